"""Summarise a `make mutation` run (mutmut's results under mutants/) into docs/mutation.md.

Per mutated module: mutants killed, surviving, without a covering test, and not run (the
run was stopped before them); then every survivor with the change mutmut made, so a
reader can judge whether it is an equivalent mutant (a change no test could see, e.g. a
cache key) or a missing test. A hand-written "## Assessment" section at the end of the
page is kept.

    python scripts/mutation_report.py [--out docs/mutation.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVIVED, NO_TESTS = 0, 33
TIMEOUTS = {36, 152, -24}
ASSESSMENT = "## Assessment"


def outcome(code: int | None) -> str:
    if code is None:
        return "not run"
    if code == SURVIVED:
        return "survived"
    if code == NO_TESTS:
        return "no tests"
    if code in TIMEOUTS:
        return "timeout"
    return "killed"


def change(name: str) -> str:
    """The lines mutmut changed for mutant `name`, as a unified diff's -/+ lines."""
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "show", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    lines = [
        line
        for line in shown.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/mutation.md")
    args = parser.parse_args()
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print("no mutmut results under mutants/: run `make mutation` first", file=sys.stderr)
        return 2
    rows: list[tuple[str, Counter[str]]] = []
    survivors: list[str] = []
    for meta in metas:
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(outcome(code) for code in codes.values())
        rows.append((module, counts))
        survivors += sorted(name for name, code in codes.items() if code == SURVIVED)
    kinds = ("killed", "survived", "no tests", "timeout", "not run")
    out = [
        "# Mutation testing of the gate's decision code",
        "",
        "`make mutation` mutates the threshold decider, waivers and the integrity rules with",
        "[mutmut](https://github.com/boxed/mutmut) (configuration: `[tool.mutmut]` in",
        "pyproject.toml) and runs the gate's rule cases, the trust tests, and the waiver and",
        "decider unit tests against each mutant; `scripts/mutation_report.py` wrote this page",
        f"on {dt.date.today().isoformat()}. It is slow and not run by CI.",
        "",
        "| module | " + " | ".join(kinds) + " |",
        "|---|" + "---:|" * len(kinds),
    ]
    for module, counts in rows:
        out.append(f"| `{module}` | " + " | ".join(str(counts[k]) for k in kinds) + " |")
    total: Counter[str] = sum((counts for _, counts in rows), Counter())
    out.append("| **all** | " + " | ".join(f"**{total[k]}**" for k in kinds) + " |")
    out += ["", "## Surviving mutants", ""]
    if not survivors:
        out.append("None.")
    for name in survivors:
        out += [f"- `{name}`", "", "  ```diff"]
        out += [f"  {line}" for line in change(name).splitlines()]
        out += ["  ```", ""]
    # the hand-written assessment of the survivors, if the page has one, is kept
    previous = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    kept = previous[previous.index(ASSESSMENT) :] if ASSESSMENT in previous else ""
    text = "\n".join(out).rstrip() + "\n"
    args.out.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    print(f"wrote {args.out}: {dict(total)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
