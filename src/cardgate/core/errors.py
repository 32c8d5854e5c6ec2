"""Typed errors raised by library code; only the CLI turns them into exit codes."""

from __future__ import annotations

from cardgate.core.problems import Problem


class CardgateError(Exception):
    """A user-facing error: configuration, usage or input that cannot be processed.

    `exit_code` follows the convention: 1 findings/problems, 2 usage or configuration.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        problem: Problem | None = None,
        at: tuple[str | int, ...] = (),
        details: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problem = problem
        self.at = at
        """The data path, inside the document being processed, of what is wrong: the caller
        that knows the document turns it into file:line:col (`located`)."""
        self.details = details
        """Lines shown under the message, one per item (each escaped on its own)."""

    def about(self, subject: str, *, named_as: tuple[str, ...] = ()) -> CardgateError:
        """The same error, its message prefixed with the `subject` it concerns (a file
        the message did not name); its data path is kept, for `located`. `named_as`: how
        the message may already name the subject ('score7.csv: ...'), replaced by
        `subject` rather than repeated after it."""
        message = self.message
        for name in named_as:
            if message.startswith(f"{name}: "):
                message = message[len(name) + 2 :]
                break
        return type(self)(
            f"{subject}: {message}",
            hint=self.hint,
            problem=self.problem,
            at=self.at,
            details=self.details,
        )

    def located(self, where: str) -> CardgateError:
        """The same error, its message prefixed with `where` (``path:line:col``)."""
        return type(self)(
            f"{where}: {self.message}", hint=self.hint, problem=self.problem, details=self.details
        )


class UsageError(CardgateError):
    """The command line asked for something that cannot be done."""


class ConfigurationError(CardgateError):
    """The workspace configuration or policy cannot be used."""


class InputError(CardgateError):
    """An input file (data, predictions, document) cannot be read or is unusable."""

    exit_code = 1


def first_line(error: BaseException) -> str:
    """The first line of an error's message (a library's, for one-line messages), or its
    type's name when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
