"""Card text cannot become markup: checked through the real Markdown renderer."""

from __future__ import annotations

import re

import markdown  # type: ignore[import-untyped,unused-ignore]
import pytest

from cardgate.site.escape import (
    command_text,
    html_paragraphs,
    html_text,
    link_or_text,
    markdown_inline,
    safe_href,
)
from cardgate.site.templating import make_environment, shipped_templates

EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html"]

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    'Title {: onclick="alert(1)" }',
    "Title {#id .class onclick=alert(1)}",
    "{{ 7*7 }} {% if true %}x{% endif %}",
    "*bold* _it_ `code` <b>b</b> &amp; | a | b |",
    "<https://evil.example>",
    "line\n\n<script>alert(2)</script>\n\n# heading",
    "\x00\x1b[31m control",
]


def _render(text: str) -> str:
    return str(markdown.markdown(text, extensions=EXTENSIONS))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_block_values_stay_text(hostile: str) -> None:
    page = f"<div>\n<p>{html_text(hostile)}</p>\n{html_paragraphs(hostile)}\n</div>\n"
    rendered = _render(page)
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "onclick=" not in rendered.replace("onclick=&quot;", "").replace("onclick=alert", "")
    assert 'href="javascript' not in rendered
    assert "<strong>" not in rendered and "<em>" not in rendered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_heading_values_stay_text(hostile: str) -> None:
    rendered = _render(f"# {markdown_inline(hostile)}\n")
    assert rendered.count("<h1") == 1
    for forbidden in ("<script", "<img", "<a ", "<strong>", "<em>", "<code>", "<b>", "<table"):
        assert forbidden not in rendered
    assert ' onclick="' not in rendered and "class=" not in rendered


def test_markdown_inline_shows_the_words_literally() -> None:
    rendered = _render(f"# {markdown_inline('a *b* {{ 7*7 }} [c](d) x_y')}\n")
    assert "a *b* {{ 7*7 }} [c](d) x_y" in rendered


def test_jinja_syntax_in_values_is_never_evaluated() -> None:
    template = make_environment().from_string("<p>{{ value }}</p> # {{ value | md }}")
    out = template.render(value="{{ 7*7 }}")
    assert "49" not in out
    assert "{{ 7*7 }}" in out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("systems/x/report.pdf", None),
        ("https://exa mple.org", None),
        ("", None),
    ],
)
def test_only_http_urls_become_links(value: str, expected: str | None) -> None:
    assert safe_href(value) == expected


def test_link_or_text_escapes_and_labels() -> None:
    assert str(link_or_text("javascript:alert(1)")) == "<code>javascript:alert(1)</code>"
    link = str(link_or_text('https://example.org/?q="x"'))
    assert link.startswith('<a href="https://example.org/?q=&#34;x&#34;"')
    assert 'rel="noopener noreferrer nofollow"' in link


def test_paragraphs_never_contain_blank_lines() -> None:
    out = str(html_paragraphs("one\n\n\ntwo\r\n\r\nthree"))
    assert out == "<p>one</p><p>two</p><p>three</p>"


@pytest.mark.parametrize(
    ("hint", "shown"),
    [
        ("never edit it: run cardgate evaluate loan and commit the result",
         "never edit it: run <code>cardgate evaluate loan</code> and commit the result"),
        ("pin abc, or run cardgate check-data d on the pinned file",
         "pin abc, or run <code>cardgate check-data d</code> on the pinned file"),
        ("fix the card's problems (cardgate validate) and gate again",
         "fix the card&#39;s problems (<code>cardgate validate</code>) and gate again"),
        ("run: cardgate evaluate s.", "run: <code>cardgate evaluate s</code>."),
        ("cardgate new datasheet ID --from data.csv",
         "<code>cardgate new datasheet ID --from data.csv</code>"),
        ("sign again: cardgate sign s --role risk --key PATH; PATH is your key",
         "sign again: <code>cardgate sign s --role risk --key PATH</code>; PATH is your key"),
    ],
)  # fmt: skip
def test_only_the_command_of_a_hint_is_shown_as_code(hint: str, shown: str) -> None:
    """The command ends with its clause: a stop, a comma, a bracket or quote, or a
    joining word (the rest of the sentence was shown as code before)."""
    assert str(command_text(hint)) == shown


_FIXED_IN_HEADINGS = {"function.id", "headings[group.verdict]", "group.rows | length"}
"""Values in Markdown headings that are cardgate's own words or numbers (catalog
functions, fixed headings, counts), not card text or data."""


def test_every_value_in_a_markdown_heading_is_markdown_escaped() -> None:
    # A heading is Markdown, not an HTML block: a value put there with only HTML escaping
    # (a monitoring window's id, taken from a data file's name) made a javascript: link.
    loose = []
    for template in sorted(shipped_templates().glob("*.md.j2")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if not line.startswith("#"):
                continue
            for expression in re.findall(r"{{(.*?)}}", line):
                value = expression.strip()
                if not value.endswith("| md") and value not in _FIXED_IN_HEADINGS:
                    loose.append(f"{template.name}:{number}: {value}")
    assert loose == []
