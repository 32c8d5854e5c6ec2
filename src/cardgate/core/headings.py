"""The text of a Markdown ATX heading (`## Uses ##`) in a file someone else wrote.

Read in time linear in the line. The usual pattern, ``#+\\s+(.*?)\\s*#*\\s*$``, finds the
closing run of '#' by backtracking, in time cubic in a run of blanks inside the heading:
one heading of 2,000 spaces took 29 s, and a Markdown file cited as evidence (or a
Hugging Face card to import) comes from whoever wrote it.
"""

from __future__ import annotations


def heading_text(rest: str, *, blank: str | None = None) -> str:
    """What follows a heading's opening '#'s and blank, less its trailing blank, its
    closing run of '#' and the blank before that run: exactly the group ``(.*?)`` of
    ``(.*?)B*#*B*$`` (B: `blank`, default any whitespace, as the regex ``\\s``)."""
    return rest.rstrip(blank).rstrip("#").rstrip(blank)
