"""GATE-ART001 quotes both values of each difference, cut to 60 characters so a long
value (a digest, a list) keeps the finding on a line; a value that fits is never cut."""

from __future__ import annotations

from cardgate.gate.recompute import _short


def test_a_value_that_fits_is_quoted_whole() -> None:
    fits = "x" * 58  # repr adds the quotes: 60 characters
    assert _short(fits) == repr(fits) and len(_short(fits)) == 60


def test_a_longer_value_is_cut_to_sixty_characters_with_an_ellipsis() -> None:
    long = "0123456789" * 10
    shown = _short(long)
    assert len(shown) == 60
    assert shown == repr(long)[:57] + "..."
    assert len(_short("y" * 59)) == 60  # 61 with its quotes: cut
