"""The values of a dataset's page: its data-check result and column profile."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cardgate.evidence.datacheck.artifact import DataRecord
from cardgate.site.view_inputs import evidence_values
from cardgate.site.view_model import DatasetView, Unavailable


def check_verdict(check: Mapping[str, Any] | Unavailable) -> str:
    """'pass' / 'fail' from a data-check artifact's `passed`; 'not checked' without one."""
    if isinstance(check, Unavailable):
        return "not checked"
    return "pass" if check.get("passed") is True else "fail"


def data_check_values(dataset: DatasetView) -> dict[str, Any] | None:
    """The data-check artifact (docs/data-check-artifact.md) as the dataset page shows it."""
    check = dataset.data_check
    if not isinstance(check, dict):
        return None
    data = check.get("data") or {}
    sheet = dataset.sheet
    pinned = getattr(sheet, "sha256", None) if sheet is not None else None
    contract = getattr(sheet, "contract", None) if sheet is not None else None
    contract_current: bool | None = None
    if contract is not None and check.get("contract_sha256"):
        from cardgate.evidence.datacheck.artifact import contract_digest

        contract_current = check["contract_sha256"] == contract_digest(contract)
    return {
        "passed": check.get("passed") is True,
        "path": data.get("path") or "",
        "format": data.get("format") or "",
        "sha256": data.get("sha256") or "",
        "bytes": data.get("bytes"),
        "pinned": pinned or "",
        "pin_matches": None if not pinned else pinned == data.get("sha256"),
        "contract_current": contract_current,
        "rows": check.get("rows"),
        "evidence": evidence_values(DataRecord, data),
        "columns": [str(c) for c in check.get("columns") or []],
        "reference_date": check.get("reference_date") or "",
        "violations": [
            {
                "clause": str(v.get("clause", "")),
                "column": "" if v.get("column") is None else str(v.get("column")),
                "count": v.get("count"),
                "examples": ", ".join(_example(e) for e in v.get("examples") or []),
                "message": str(v.get("message", "")),
            }
            for v in check.get("violations") or []
        ],
        "profile": [
            {"column": str(column), **{key: p.get(key) for key in _PROFILE_FIELDS}}
            for column, p in (check.get("profile") or {}).items()
        ],
        "generator": " ".join(
            str(v) for v in (check.get("generator") or {}).values() if isinstance(v, str)
        ),
    }


_PROFILE_FIELDS = ("type", "stored_as", "nulls", "null_rate", "min", "max", "distinct")


def _example(value: Any) -> str:
    """One offending value as the artifact records it (JSON scalars; text quoted)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
