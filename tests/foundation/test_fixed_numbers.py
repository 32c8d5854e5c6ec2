"""Numbers shown with fixed decimals never read ``-0.000`` (an interval's lower end just
below zero printed in the Hugging Face card, the LL144 summary and the site)."""

from __future__ import annotations

import pytest

from cardgate.core.text import fixed
from cardgate.site.templating import number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.0001, "0.000"),
        (-0.0, "0.000"),
        (0.0, "0.000"),
        (-0.0016, "-0.002"),
        (-1.5, "-1.500"),
        (-10.0004, "-10.000"),
        (0.1234, "0.123"),
    ],
)
def test_fixed_drops_the_sign_of_a_zero_only(value: float, shown: str) -> None:
    assert fixed(value) == shown


def test_the_site_and_the_exports_use_it() -> None:
    from cardgate.interop import hf_genai, huggingface, ll144

    assert number(-0.00004) == "0.000" and number(-0.00004, 1) == "0.0"
    assert huggingface._interval((-0.0002, 0.2)) == "0.000–0.200"
    assert ll144.number_text(-0.0001) == "0.000"
    assert hf_genai._number(-0.0003) == "0.000"
