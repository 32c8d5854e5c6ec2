"""Documents drafted from what already exists: a datasheet from its data file.

`cardgate new datasheet ID --from FILE` starts from the datasheet template (its guidance
comments stay) and fills in what the file itself says: the contract (every column with
its type, missing-value limit, range or categories), the row count, the SHA-256 pin, and
the facts of the composition section. What only people know — why the data exists, how it
was collected, why values are missing — stays ``TODO``.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import yaml

from cardgate.core.paths import PathEscapeError, display_path
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.infer import ColumnProfile, DataProfile

SENSITIVE_NAMES = frozenset(
    {
        "age",
        "age_group",
        "disability",
        "ethnicity",
        "gender",
        "marital_status",
        "national_origin",
        "nationality",
        "native_country",
        "race",
        "religion",
        "sex",
        "sexual_orientation",
    }
)
"""Column names that usually hold a protected characteristic: marked sensitive, to check."""

_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
"""Text written unquoted when YAML reads it back as the same text (not `yes`, `1`, `null`)."""

_COUNT = "  count: null  # TODO: a number\n"
_MISSING = "  missing_data: TODO\n"
_SENSITIVE = "  sensitive_attributes:\n    - TODO\n"
_REVIEWED = "last_reviewed: "
_CONTRACT = "\ncontract:\n"


def draft_datasheet(text: str, profile: DataProfile, *, workspace: Workspace, folder: Path) -> str:
    """The datasheet template `text` with what `profile` says about the data file."""
    for marker in (_COUNT, _MISSING, _SENSITIVE, _CONTRACT):
        if marker not in text:  # pragma: no cover - the template is generated and tested
            raise AssertionError(f"datasheet template lacks {marker!r}")
    sensitive = [column.name for column in profile.columns if _sensitive(column.name)]
    text = text.replace(_COUNT, f"  count: {profile.rows}\n")
    text = text.replace(_MISSING, _missing_data(profile))
    if sensitive:
        listed = "".join(f"    - {yaml_scalar(name)}\n" for name in sensitive)
        text = text.replace(
            _SENSITIVE,
            "  # Guessed from the column names: check, and add what the names do not show.\n"
            f"  sensitive_attributes:\n{listed}",
        )
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(_REVIEWED)) + 1
    lines[at:at] = [
        f"# SHA-256 of the data file this datasheet describes ({profile.path.name}).\n",
        f"sha256: {profile.sha256}\n",
    ]
    text = "".join(lines)
    head = text[: text.index(_CONTRACT) + 1]  # the template's guidance on the contract stays
    return head + _contract(profile, workspace=workspace, folder=folder, sensitive=sensitive)


def _missing_data(profile: DataProfile) -> str:
    gaps = [column for column in profile.columns if column.nulls]
    if not gaps:
        fact = f"No missing values in {profile.path.name} ({profile.rows} rows)."
    else:
        shown = ", ".join(f"{c.name} {_percent(profile.null_rate(c))}" for c in gaps)
        fact = (
            f"Missing values in {len(gaps)} of {len(profile.columns)} columns of "
            f"{profile.path.name}: {shown}."
        )
    return (
        "  # Measured from the data file; say why the values are missing.\n"
        f"  missing_data: {yaml_scalar(fact)}\n"
    )


def _contract(
    profile: DataProfile, *, workspace: Workspace, folder: Path, sensitive: list[str]
) -> str:
    lines = [
        f"# Drafted from {profile.path.name} as it is ({profile.rows} rows): every limit holds",
        "# for that file, and `cardgate check-data` checks it. Tighten or loosen each limit to",
        "# what the data must be, not what it happens to be.",
        "contract:",
    ]
    location = data_location(profile.path, workspace=workspace, folder=folder)
    if location is not None:
        lines += [
            "  # Path of the data file, relative to this datasheet's folder.",
            f"  path: {yaml_scalar(location)}",
        ]
    else:
        lines += [
            f"  # {display_path(profile.path)} is outside the workspace: copy it in and set",
            "  # path:, or check it with cardgate check-data ID --data PATH.",
        ]
    lines += ["  # Expected columns. (required)", "  columns:"]
    for column in profile.columns:
        lines += _column(profile, column, sensitive=column.name in sensitive)
    return "\n".join(lines) + "\n"


def _column(profile: DataProfile, column: ColumnProfile, *, sensitive: bool) -> list[str]:
    lines = [f"    - name: {yaml_scalar(column.name)}", f"      type: {column.type}"]
    if column.nulls == 0:
        lines.append("      nullable: false")
    else:
        rate = profile.null_rate(column)
        limit = math.ceil(rate * 1000) / 1000
        lines.append(f"      max_null_rate: {limit:.3f}  # measured: {_percent(rate)}")
    if column.minimum is not None:
        lines.append(f"      min: {yaml_scalar(column.minimum)}")
    if column.maximum is not None:
        lines.append(f"      max: {yaml_scalar(column.maximum)}")
    if column.categories is not None:
        lines.append("      allowed_values:")
        lines += [f"        - {yaml_scalar(value)}" for value in column.categories]
    if sensitive:
        lines.append("      sensitive: true  # guessed from the name")
    return lines


def data_location(path: Path, *, workspace: Workspace, folder: Path) -> str | None:
    """The data file's path relative to the datasheet folder, when inside the workspace."""
    target = path.resolve()
    try:
        workspace.resolve(target.relative_to(workspace.root.resolve()).as_posix())
    except (PathEscapeError, ValueError):
        return None
    return Path(os.path.relpath(target, folder.resolve())).as_posix()


def _sensitive(name: str) -> bool:
    return name.strip().lower().replace(" ", "_").replace("-", "_") in SENSITIVE_NAMES


def _percent(rate: float) -> str:
    return f"{100 * rate:.1f}%" if rate >= 0.001 else f"{100 * rate:.3f}%"


def yaml_scalar(value: int | float | str) -> str:
    """A YAML scalar that loads back as exactly `value` (text always quoted)."""
    if isinstance(value, bool):  # pragma: no cover - bounds and names are never booleans
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # a metric a run logged as NaN or infinite
            return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
        text = repr(value)
        mantissa, _, exponent = text.partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        if exponent and exponent[0] not in "+-":
            exponent = "+" + exponent
        return mantissa + (f"e{exponent}" if exponent else "")
    if _PLAIN.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)
