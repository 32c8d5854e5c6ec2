"""Pinned prompt templates: the `sha256` of each template a GenAI card lists must be the
SHA-256 of the file's bytes now (`cardgate validate`, CG131; the gate blocks through
GATE-DOC001). A changed prompt changes the system: it must be pinned again, and the pin
is part of the card that sign-offs cover. Light: hashlib only.
"""

from __future__ import annotations

from cardgate.core.digests import file_sha256
from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Problem
from cardgate.documents.workspace import Workspace

PROMPT_PIN = "CG131"
"""A prompt template's pinned sha256 is not its file's, or the file is missing."""


def prompt_problems(workspace: Workspace) -> list[Problem]:
    """A problem at each pinned prompt template whose file is missing or differs."""
    problems: list[Problem] = []
    for system in workspace.systems.values():
        card = system.model_card
        loaded = system.card.loaded if system.card is not None else None
        if card is None or loaded is None or card.genai is None:
            continue
        for index, prompt in enumerate(card.genai.components.prompts or ()):
            where = ("genai", "components", "prompts", index)
            try:
                path = workspace.resolve(prompt.path)
            except PathEscapeError as error:
                message, hint = (
                    f"prompt template '{prompt.id}': {error}",
                    "keep it in the workspace",
                )
                span = loaded.positions.value((*where, "path"))
            else:
                if not path.is_file():
                    message = f"prompt template '{prompt.id}' file '{prompt.path}' does not exist"
                    hint = "commit the template, or fix its path"
                    span = loaded.positions.value((*where, "path"))
                else:
                    now = file_sha256(path)
                    if now == prompt.sha256:
                        continue
                    message = (
                        f"prompt template '{prompt.id}' changed since it was pinned: "
                        f"'{prompt.path}' is {now[:12]}…, the card pins {prompt.sha256[:12]}…"
                    )
                    hint = f"review the change, then pin sha256: {now}"
                    span = loaded.positions.value((*where, "sha256"))
            problems.append(Problem.at(loaded.display, span, PROMPT_PIN, message, hint=hint))
    return problems
