"""Property tests: no input makes the loader or validator raise anything but a problem."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document, parse_text
from cardgate.documents.validated import validate_document

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["model-card", "datasheet", "checklist", "policy", "waivers", "TODO"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "kind",
            "schema_version",
            "id",
            "name",
            "status",
            "owners",
            "items",
            "evaluation",
            "model_details",
            "intended_use",
            "risk_tier",
            "waivers",
            "composition",
        ]
    ),
    st.text(min_size=1, max_size=10),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(tmp_path_factory: object, data: bytes) -> None:
    path = Path(str(tmp_path_factory.mktemp("fuzz"))) / "doc.yaml"  # type: ignore[attr-defined]
    path.write_bytes(data)
    try:
        loaded = load_document(path)
    except DocumentLoadError as error:
        assert error.problem.line >= 1 and error.problem.column >= 1
        return
    validate_document(loaded)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        loaded = parse_text(text, display="t.yaml")
    except DocumentLoadError:
        return
    validate_document(loaded)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(keys, documents, max_size=8))
def test_arbitrary_yaml_documents_validate_or_give_problems(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        loaded = parse_text(text, display="t.yaml")
    except DocumentLoadError:
        return
    result = validate_document(loaded)
    assert result.model is not None or result.problems
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.code.startswith("CG")


def test_cli_on_hostile_files_exits_1_without_traceback(tmp_path: Path) -> None:
    samples = {
        "binary.yaml": bytes(range(256)),
        "truncated.yaml": b'kind: model-card\nowners:\n  - name: "unterminated',
        "bomb.yaml": b"a: &a [1,1,1,1,1,1,1,1,1,1]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n".encode()
            for i in range(8)
        ),
        "deep.yaml": b"a: " + b"[" * 5000 + b"]" * 5000,
        "tags.yaml": b"kind: !!python/object/apply:os.system ['echo pwned']\n",
    }
    runner = CliRunner()
    for name, content in samples.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == 1, (name, result.output)
        assert "Traceback" not in result.output
        assert f"{name}:" in result.output
