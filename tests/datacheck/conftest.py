"""A throw-away workspace with one dataset, its contract and a data file."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from cardgate.cli import app

DATASHEET_HEAD = """\
kind: datasheet
schema_version: 1
id: {id}
name: Test data
status: draft
owners: [{{name: Ada}}]
motivation: {{purpose: testing}}
composition: {{instances: applications}}
"""


@dataclass
class DataWorkspace:
    root: Path
    dataset: str = "applications"

    @property
    def folder(self) -> Path:
        return self.root / "datasets" / self.dataset

    @property
    def artifact(self) -> Path:
        return self.folder / "data-check.json"

    def contract(self, body: str, *, sha256: str | None = None) -> Path:
        """Write the datasheet with `body` (YAML under `contract:`) as its contract."""
        head = DATASHEET_HEAD.format(id=self.dataset)
        if sha256 is not None:
            head += f"sha256: {sha256}\n"
        text = head + "contract:\n" + textwrap.indent(textwrap.dedent(body).strip(), "  ") + "\n"
        path = self.folder / "datasheet.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def data(self, frame: pd.DataFrame, name: str = "data.csv") -> Path:
        path = self.folder / name
        if name.endswith(".parquet"):
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
        return path

    def check(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            app, ["check-data", self.dataset, "--workspace", str(self.root), *args]
        )
        return result.exit_code, result.stdout, result.stderr

    def result(self, *args: str) -> dict[str, Any]:
        code, out, err = self.check("--format", "json", *args)
        assert code in (0, 1), err
        payload: dict[str, Any] = json.loads(out)
        return payload


@pytest.fixture
def ws(tmp_path: Path) -> DataWorkspace:
    (tmp_path / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Test\n", encoding="utf-8"
    )
    workspace = DataWorkspace(tmp_path)
    workspace.folder.mkdir(parents=True)
    return workspace


ENGINES = ("pandas", "duckdb")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


Violations = Callable[..., list[dict[str, Any]]]
