"""What the Hugging Face card exporter and importers share: the card's front matter, what
its mapped metadata keys hold (`typed_metadata`), its licence fields, and Markdown text
written so that it reads back as the same text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cardgate.core.text import markdown_text
from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.provenance import Licence
from cardgate.documents.schemas.spdx import ExpressionError, canonical_id, licence_ids
from cardgate.interop.format import yaml_text
from cardgate.interop.hf_vocabulary import HUB_LICENCES

FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
"""A card's metadata block: ``---`` lines around YAML, at the top (as the Hub reads it)."""

MISSING = "[More Information Needed]"
"""What the Hub's templates leave in a section nobody filled."""

SLICES_NOTE = (
    "The metadata's `model-index` holds overall values only: it has no place for per-group "
    "slices, confidence intervals or noise floors, so they are in the tables below."
)

WEB_LINK = re.compile(r"^https?://\S+$")
"""A link a licence or a dataset may carry: an http(s) address."""


def filled(value: str | None) -> str | None:
    """`value`, or None when absent or a placeholder (``TODO``)."""
    return None if value is None or is_placeholder_text(value) else value


_BLOCK_START = re.compile(r"^(?:[-+=]|\d+[.)])")


def md(text: str) -> str:
    """`text` as one line of Markdown that renders as the text (`markdown_text`, and a
    leading list or heading marker escaped); `plain` reads it back."""
    line = markdown_text(text)
    marker = _BLOCK_START.match(line)
    if marker is None:
        return line
    end = marker.end()
    return f"{line[: end - 1]}\\{line[end - 1 :]}"


def plain(markdown: str) -> str:
    """The text a line written by `md` stands for (backslash escapes and ``&amp;`` undone)."""
    return re.sub(r"\\(.)", r"\1", markdown.strip()).replace("&amp;", "&")


def front_matter(metadata: dict[str, Any]) -> str:
    """The metadata block of a card (deterministic YAML, keys in the order given)."""
    return f"---\n{yaml_text(metadata)}---\n"


def licence_metadata(licence: str | Licence | None) -> dict[str, str]:
    """``license`` (and ``license_name``, ``license_link``) for a card's metadata: the
    Hub's identifier when the SPDX id has one (the Hub lists lower-case SPDX ids), else
    ``other`` with the SPDX expression or the words as its name."""
    if isinstance(licence, Licence):
        spdx = filled(licence.spdx)
        if spdx is not None:
            ids = licence_ids(spdx)
            if ids == [spdx] and spdx.lower() in HUB_LICENCES:
                return {"license": spdx.lower()}
            named = {"license": "other", "license_name": spdx}
        else:
            words = filled(licence.text)
            if words is None:
                return {}
            named = {"license": "other", "license_name": " ".join(words.split())}
        if licence.url is not None:
            named["license_link"] = licence.url
        return named
    words = filled(licence)
    return {"license": "other", "license_name": " ".join(words.split())} if words else {}


def licence_from_metadata(metadata: dict[str, Any]) -> dict[str, str] | None:
    """A document's ``license:`` mapping from a card's metadata (the reverse of
    `licence_metadata`); None when the card names none."""
    value = metadata.get("license")
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        return None
    found: dict[str, str] = {}
    name = metadata.get("license_name")
    if value == "other" and isinstance(name, str) and name.strip():
        try:
            ids = licence_ids(name.strip())
        except ExpressionError:
            ids = []
        found["spdx" if ids else "text"] = name.strip()
    elif value not in ("other", "unknown"):
        spdx = canonical_id(value)
        found["spdx" if spdx else "text"] = spdx or value
    else:
        return None
    link = metadata.get("license_link")
    if isinstance(link, str) and WEB_LINK.match(link):
        found["url"] = link
    return found


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _texts(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _licence_id(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
    )


METADATA_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "license": ("a licence id", _licence_id),
    "license_name": ("a string", _text),
    # a path in the Hub repository (license_link: LICENSE) is kept as written, not lost:
    # a licence's link here is a web address
    "license_link": ("an http(s) URL", lambda value: _text(value) and bool(WEB_LINK.match(value))),
    "base_model": ("a Hub id or a list of them", _texts),
    "datasets": ("a Hub id or a list of them", _texts),
    "pipeline_tag": ("a pipeline tag (a string)", _text),
    "tags": ("a string or a list of strings", _texts),
    "model-index": ("a list", lambda value: isinstance(value, list)),
    "pretty_name": ("a string", _text),
}
"""What each metadata key the importers map holds on the Hub: its description, and the
test of a value (an empty value is no value)."""


def typed_metadata(metadata: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the metadata whose mapped keys hold what the Hub puts there; each mapped key that
    holds something else, with what it should hold): a value of the wrong type is not
    mapped but kept under ``extensions.hf`` and listed, as an unmapped key is."""
    wrong = {
        key: expected
        for key, (expected, fits) in METADATA_TYPES.items()
        if metadata.get(key) is not None and not fits(metadata[key])
    }
    return {k: v for k, v in metadata.items() if k not in wrong}, wrong
