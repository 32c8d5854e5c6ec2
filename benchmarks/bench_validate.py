"""`cardgate validate` beside check-jsonschema (on YAML and on JSON) and beside a
libyaml + jsonschema script, on the same documents.

Run: python benchmarks/bench_validate.py [--systems 1000] [--rounds 3]

A workspace of SYSTEMS systems (a model card, a datasheet and 62-item checklist answers
each: 3 documents per system), and the same documents as JSON. Whole process,
interleaved (`harness`):

* `cardgate validate`, no parse cache (`CARDGATE_NO_CACHE=1`: a fresh CI runner) and with
  a warm one: schemas, positions of every problem, cross-references, checklist answers
  against their definitions, data pins;
* check-jsonschema on the YAML files and on the JSON files: the exported JSON Schemas
  only, one invocation per kind (3 processes, as a pre-commit hook runs it);
* `jsonschema_user.py`: PyYAML's C loader + jsonschema in one process, schemas only.

In process: cardgate's `run_validation` (no cache) against the script's own timing of
parse + validate. Also `cardgate --help`. Writes benchmarks/results.json ("validate").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import yaml
from synthetic import generate_workspace

from cardgate.authoring.json_schemas import write_schemas

WORK = harness.WORK / "validate"
BIN = Path(sys.executable).parent
USER_SCRIPT = harness.HERE / "jsonschema_user.py"


def as_json(files: list[Path], root: Path, target: Path) -> list[Path]:
    """The YAML `files` as JSON under `target` (dates as text), same relative paths."""

    class Loader(yaml.CSafeLoader):
        pass

    Loader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    out = []
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
        copy = (target / path.relative_to(root)).with_suffix(".json")
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(json.dumps(data), encoding="utf-8")
        out.append(copy)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = generate_workspace(WORK / "workspace", args.systems)
    schemas = WORK / "schemas"
    shutil.rmtree(schemas, ignore_errors=True)
    by_kind = {path.name.split(".")[0]: path for path in write_schemas(schemas)}
    groups = {
        "model-card": sorted(root.glob("systems/*/model-card.yaml")),
        "checklist": sorted(root.glob("systems/*/checklist-*.yaml")),
        "datasheet": sorted(root.glob("datasets/*/datasheet.yaml")),
    }
    json_groups = {kind: as_json(files, root, WORK / "json") for kind, files in groups.items()}
    files = sum(len(f) for f in groups.values())
    cache = WORK / "parse-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cardgate = str(BIN / "cardgate")
    checker = str(BIN / "check-jsonschema")

    def check_jsonschema(kinds: dict[str, list[Path]], name: str) -> list[str]:
        """A shell script of one check-jsonschema per kind (too long for `sh -c`)."""
        script = WORK / f"{name}.sh"
        script.write_text(
            "set -e\n"
            + "".join(
                f"{checker} --schemafile {by_kind[kind]} " + " ".join(map(str, found)) + "\n"
                for kind, found in kinds.items()
            )
        )
        return ["sh", str(script)]

    every_yaml = [str(p) for found in groups.values() for p in found]
    every_json = [str(p) for found in json_groups.values() for p in found]
    commands = {
        "cardgate validate, no parse cache": [
            "env",
            "CARDGATE_NO_CACHE=1",
            cardgate,
            "validate",
            "--workspace",
            str(root),
        ],
        "cardgate validate, warm parse cache": [
            "env",
            f"CARDGATE_CACHE_DIR={cache}",
            cardgate,
            "validate",
            "--workspace",
            str(root),
        ],
        "check-jsonschema, YAML (3 invocations)": check_jsonschema(groups, "yaml"),
        "check-jsonschema, JSON (3 invocations)": check_jsonschema(json_groups, "json"),
        "libyaml + jsonschema script, YAML": [
            sys.executable,
            str(USER_SCRIPT),
            str(schemas),
            *every_yaml,
        ],
        "libyaml + jsonschema script, JSON": [
            sys.executable,
            str(USER_SCRIPT),
            str(schemas),
            *every_json,
        ],
    }
    harness.run_once(commands["cardgate validate, warm parse cache"])  # fill the cache
    load_before = harness.load()
    whole = harness.whole_process(commands, rounds=args.rounds)
    load_after = harness.load()
    for name in ("libyaml + jsonschema script, YAML", "libyaml + jsonschema script, JSON"):
        printed = json.loads(whole[name].outputs[-1])
        assert printed["invalid"] == 0, f"{name}: {printed['invalid']} files rejected"

    from cardgate.validation.report import run_validation

    os.environ["CARDGATE_NO_CACHE"] = "1"
    inside = harness.in_process(
        {"cardgate run_validation, no parse cache": lambda: run_validation([], workspace=root)},
        rounds=args.rounds,
    )
    del os.environ["CARDGATE_NO_CACHE"]
    for name in ("libyaml + jsonschema script, YAML", "libyaml + jsonschema script, JSON"):
        seconds = [json.loads(o)["seconds"] for o in whole[name].outputs]
        inside[f"{name}: parse + validate (its own timing)"] = harness.Sample(
            [s["parse"] + s["validate"] for s in seconds]
        )
    help_runs = harness.whole_process({"cardgate --help": [cardgate, "--help"]}, rounds=5)

    base = whole["cardgate validate, no parse cache"]
    print(
        f"\n{args.systems} systems, {files} documents; load average {load_before} before, "
        f"{load_after} after; medians (min–max) of {args.rounds} interleaved runs"
    )
    print("\n| whole process | wall | CPU | peak RSS | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in {**whole, **help_runs}.items():
        print(
            f"| {name} | {runs.wall.text()} | {runs.cpu.text()} "
            f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} "
            f"| {runs.wall.median / base.wall.median:.2f} "
            f"| {runs.cpu.median / base.cpu.median:.2f} |"
        )
    core = inside["cardgate run_validation, no parse cache"].median
    print("\n| in process | time | ratio |")
    print("|---|---:|---:|")
    for name, sample in inside.items():
        print(f"| {name} | {sample.text()} | {sample.median / core:.2f} |")
    data: dict[str, Any] = {
        "systems": args.systems,
        "documents": files,
        "load_before": load_before,
        "load_after": load_after,
        "whole_process": {name: runs.summary() for name, runs in {**whole, **help_runs}.items()},
        "in_process_s": {name: sample.summary() for name, sample in inside.items()},
        "ratios": {
            f"{name} / cardgate no cache, whole process (wall medians)": runs.wall.median
            / base.wall.median
            for name, runs in whole.items()
        },
    }
    harness.record("validate", data)


if __name__ == "__main__":
    main()
