"""`cardgate validate` beside `check-jsonschema` on the same 3,000 files, in one run.

Run: python benchmarks/bench_validate.py [SYSTEMS]   (default 1,000 systems = 3,000 files)

check-jsonschema validates each file against the exported JSON Schema (no positions of
errors within values, no cross-references, no checklist answers against definitions);
cardgate does all of that. Also measures `cardgate --help` start-up time.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate_workspace

from cardgate.authoring.json_schemas import write_schemas

WORK = Path(__file__).resolve().parent / ".work" / "validate"
BIN = Path(sys.executable).parent


def timed(
    command: list[str], *, cwd: Path, runs: int = 3, env: dict[str, str] | None = None
) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(
            command, cwd=cwd, capture_output=True, check=False, env=env
        ).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main(count: int = 1000) -> None:
    root = generate_workspace(WORK / "workspace", count)
    schemas = write_schemas(root / ".schemas")
    by_kind = {path.name.split(".")[0]: path for path in schemas}
    cache = WORK / "parse-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold_env = {**os.environ, "CARDGATE_NO_CACHE": "1"}
    warm_env = {**os.environ, "CARDGATE_CACHE_DIR": str(cache)}
    cardgate, code = timed([str(BIN / "cardgate"), "validate"], cwd=root, env=cold_env)
    assert code == 0, "the synthetic workspace must validate"
    timed([str(BIN / "cardgate"), "validate"], cwd=root, env=warm_env, runs=1)  # fill the cache
    warm, _ = timed([str(BIN / "cardgate"), "validate"], cwd=root, env=warm_env)
    groups = {
        "model-card": sorted(root.glob("systems/*/model-card.yaml")),
        "checklist": sorted(root.glob("systems/*/checklist-*.yaml")),
        "datasheet": sorted(root.glob("datasets/*/datasheet.yaml")),
    }
    total = 0.0
    for kind, files in groups.items():
        seconds, code = timed(
            [str(BIN / "check-jsonschema"), "--schemafile", str(by_kind[kind]), *map(str, files)],
            cwd=root,
        )
        assert code == 0, f"check-jsonschema rejected the {kind} files"
        total += seconds
    help_time, _ = timed([str(BIN / "cardgate"), "--help"], cwd=root, runs=5)
    files = sum(len(f) for f in groups.values())
    print(f"| measurement ({count} systems, {files} files) | seconds | ratio |")
    print("|---|---:|---:|")
    print(
        "| cardgate validate, no parse cache (schemas, positions, cross-references, answers) "
        f"| {cardgate:.2f} | 1.00 |"
    )
    print(f"| cardgate validate, warm parse cache | {warm:.2f} | {warm / cardgate:.2f} |")
    print(
        f"| check-jsonschema (schemas only, 3 invocations) | {total:.2f} | {total / cardgate:.2f} |"
    )
    print(f"| cardgate --help | {help_time:.3f} | |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
