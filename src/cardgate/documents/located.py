"""An error about one part of a document, shown where that part is written.

Library code that knows the data path of what is wrong raises a `CardgateError` with
`at` (``("monitoring", "reference")``); the caller that holds the document turns it into
``file:line:col`` here, one place for every command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cardgate.core.errors import CardgateError
from cardgate.documents.validated import ValidatedDocument


def located(document: ValidatedDocument | None, error: CardgateError) -> CardgateError:
    """`error` at the document's file:line:col when it names a data path of it (`at`)."""
    loaded = document.loaded if document is not None else None
    if not error.at or loaded is None:
        return error
    span = loaded.positions.value(error.at)
    return error.located(f"{loaded.display}:{span.line}:{span.column}")


@contextmanager
def located_in(document: ValidatedDocument | None) -> Iterator[None]:
    """Every cardgate error raised inside, located in `document` (`located`)."""
    try:
        yield
    except CardgateError as error:
        moved = located(document, error)
        if moved is error:
            raise
        raise moved from error
