"""The one Jinja2 environment of the site: user overrides first, then shipped templates.

* `autoescape` is on for every template, so any value printed with `{{ }}` is
  HTML-escaped unless it is already `Markup` made by `cardgate.site.escape` or
  `cardgate.site.charts`;
* `StrictUndefined`: a template that names a missing value fails the page (and
  `--strict` names it) instead of printing nothing;
* filters are registered here and only here;
* card text is only ever a *value* given to `render`; it is never compiled as a template,
  so `{{ 7*7 }}` written in a card is printed as those seven characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from cardgate.core.resources import data_dir
from cardgate.core.text import fixed
from cardgate.documents.placeholders import is_missing
from cardgate.documents.schemas.provenance import licence_words
from cardgate.site.escape import (
    command_text,
    css_string,
    docstring_inline,
    docstring_markdown,
    html_paragraphs,
    html_text,
    link_or_text,
    markdown_inline,
    page_title,
)

USER_TEMPLATES = "templates"
"""Folder of the site folder whose templates override the shipped ones (same names)."""


def shipped_templates() -> Path:
    return data_dir("templates") / "site"


def number(value: Any, digits: int = 3) -> str:
    """A metric value with fixed precision; '—' for missing, 'n/a' for non-finite."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    return fixed(value, digits)


def interval(ci: Any, digits: int = 3) -> str:
    """'[0.790, 0.834]' for a two-number interval, '' otherwise."""
    if (
        isinstance(ci, list | tuple)
        and len(ci) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in ci)
    ):
        return f"[{number(float(ci[0]), digits)}, {number(float(ci[1]), digits)}]"
    return ""


def percent(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}%"
    return "—"


def date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "—" if value is None else str(value)


_ACRONYMS = {"roc": "ROC", "auc": "AUC", "f1": "F1", "ndcg": "nDCG", "mrr": "MRR"}


def metric_words(name: Any) -> str:
    """A metric's name in words: 'roc_auc' -> 'ROC AUC', 'ndcg' -> 'nDCG',
    'false_positive_rate' -> 'false positive rate'."""
    return " ".join(_ACRONYMS.get(word, word) for word in str(name).replace("_", " ").split(" "))


def sentence_start(text: str) -> str:
    """`text` with its first letter upper-case, unless it starts with a name spelled
    otherwise ('nDCG by phrasing')."""
    if text.split(" ", 1)[0] in _ACRONYMS.values():
        return text
    return text[:1].upper() + text[1:]


def label(value: Any) -> str:
    """'not-started' -> 'not started', 'true_positive_rate' -> 'true positive rate',
    'roc_auc' -> 'ROC AUC'."""
    return metric_words(str(value).replace("-", " "))


_BADGE_TONES = {
    "pass": "ok", "passed": "ok", "addressed": "ok", "done": "ok", "current": "ok",
    "approved": "ok", "mitigated": "ok", "closed": "ok",
    "waived": "warn", "partial": "warn", "warning": "warn", "review": "warn",
    "accepted": "warn", "no thresholds": "muted", "not evaluated": "muted",
    "not applicable": "muted",
    "fail": "bad", "failed": "bad", "missing": "bad", "stale": "bad", "error": "bad",
    "open": "bad", "not-started": "bad", "unanswered": "bad", "blocked": "bad",
    "tier-unacceptable": "bad", "tier-high": "warn", "tier-limited": "muted",
    "tier-minimal": "muted",
    "shaky": "warn", "passes, not conclusively": "warn", "passes": "ok", "fails": "bad",
    "unknown": "muted", "not decided": "muted", "superseded": "muted", "verified": "ok",
    "changed": "bad", "invalid": "bad", "unverified": "warn",
}  # fmt: skip


def badge(value: Any, kind: str = "") -> Markup:
    """A coloured status word; the class is chosen from a fixed list, never from text."""
    return _badge(str(value), kind)


@functools.lru_cache(maxsize=1024)
def _badge(text: str, kind: str) -> Markup:
    # A few dozen distinct badges, tens of thousands of times in a large site.
    tone = _BADGE_TONES.get(kind or text.lower(), "muted")
    return Markup(f'<span class="cg-badge cg-{tone}">{html_text(text)}</span>')


def preformatted(value: Any) -> Markup:
    """Text for `<pre>`: escaped, newlines as `&#10;` so no blank line ends the HTML block."""
    text = html.escape(str(value), quote=True).replace("\r", "")
    return Markup(text.replace("\n", "&#10;"))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _SiteEnvironment(Environment):
    """Jinja's environment, with `row.name` of a plain dict looked up as the item at once.

    Jinja tries the attribute first, and a dict has none of that name: an AttributeError
    raised and caught for each of the thousands of such lookups per page. Where a dict
    cannot have the attribute, the item is what Jinja returns anyway (the same value, or
    the same undefined); a name dicts do have (`items`, `keys`...) goes the usual way.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_environment(site_dir: Path | None = None) -> Environment:
    """The site's Jinja environment (user templates in `<site_dir>/templates` win)."""
    loaders = []
    if site_dir is not None and (site_dir / USER_TEMPLATES).is_dir():
        loaders.append(FileSystemLoader(site_dir / USER_TEMPLATES))
    loaders.append(FileSystemLoader(shipped_templates()))
    environment = _SiteEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one build renders each template ~1,000 times: no stat per page
    )
    environment.filters.update(
        md=markdown_inline,
        title=page_title,
        text=html_text,
        paragraphs=html_paragraphs,
        link=link_or_text,
        number=number,
        interval=interval,
        percent=percent,
        date=date,
        label=label,
        badge=badge,
        preformatted=preformatted,
        css_string=css_string,
        command=command_text,
        docstring=docstring_markdown,
        docstring_inline=docstring_inline,
        licence=licence_words,
    )
    environment.globals["missing"] = is_missing
    return environment
