"""`cardgate build` of two (or more) source trees of cardgate, side by side with a plain
`mkdocs build` of the same pages, interleaved in one run: a before/after of a change.

Run: python benchmarks/bench_site_compare.py ROUNDS SYSTEMS LABEL=TREE [LABEL=TREE ...]
     [--no-downloads]
     (e.g. `before=/tmp/cardgate-main after=.`; a TREE is a checkout or `git archive` of
     cardgate with its src/, templates/ and checklists/)

The workspace is `bench_site.generate`'s, one copy per tree (benchmarks/.work/site-compare);
each tree builds it once first (parse cache filled, pages written), and the generated pages
of every tree are compared byte for byte: a difference is printed (a speed-up must not
change the site). Then, for each round, every tree's `cardgate build` and one plain
`mkdocs build -q` of the first tree's pages run one after the other, each in a fresh
process of this interpreter (the tree first on PYTHONPATH), CPU seconds of the process and
its children (`harness.run_once`), with the load average at the start of each round.

Reported per tree: its CPU median, the median over the rounds of its own work in that
round, (A - B) / B, with each round's figure, and the ratio of the medians. The target of
issue 17: at 1,000 systems, cardgate's own work under +20% of B, downloads on.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_site
from harness import WORK, load, run_once


def main(rounds: int, count: int, trees: dict[str, Path], *, downloads: bool) -> None:
    work = WORK / ("site-compare" if downloads else "site-compare-no-downloads")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    python = sys.executable
    build = [python, "-m", "cardgate", "build"]
    envs = {}
    for label, tree in trees.items():
        bench_site.generate(work / label, count, downloads=downloads)
        envs[label] = {
            **os.environ,
            "CARDGATE_TODAY": bench_site.TODAY,
            "PYTHONPATH": str(tree.resolve() / "src"),
        }
        run_once(build, cwd=work / label, env=envs[label], exit_codes=(0, 1))
    labels = list(trees)
    first = work / labels[0] / "site" / "generated"
    for label in labels[1:]:
        other = work / label / "site" / "generated"
        done = subprocess.run(["diff", "-rq", str(first), str(other)], capture_output=True)
        verdict = "identical" if done.returncode == 0 else "DIFFERENT:\n" + done.stdout.decode()
        print(f"pages of {labels[0]} and {label}: {verdict[:2000]}", flush=True)
    plain = work / "plain"
    shutil.copytree(first, plain / "generated")
    shutil.copy(work / labels[0] / "site" / "mkdocs.yml", plain / "mkdocs.yml")
    mkdocs = [python, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")]
    cpu: dict[str, list[float]] = {label: [] for label in [*labels, "B"]}
    loads = []
    for index in range(rounds):
        loads.append(load()[0])
        for label in labels:
            _, seconds, _, _ = run_once(build, cwd=work / label, env=envs[label], exit_codes=(0, 1))
            cpu[label].append(seconds)
        _, seconds, _, _ = run_once(mkdocs, cwd=plain)
        cpu["B"].append(seconds)
        shown = ", ".join(f"{name} {values[-1]:.1f} s" for name, values in cpu.items())
        print(f"round {index + 1}: load {loads[-1]:.1f}; CPU {shown}", flush=True)
    loads.append(load()[0])
    b = cpu["B"]
    print(
        f"{count} systems, downloads {'on' if downloads else 'off'}, {rounds} rounds, "
        f"load average {min(loads):.1f}-{max(loads):.1f} at the rounds' starts"
    )
    print(f"  B plain mkdocs build: CPU {statistics.median(b):.2f} s ({min(b):.2f}-{max(b):.2f})")
    for label in labels:
        a = cpu[label]
        pairs = [(x - y) / y for x, y in zip(a, b, strict=True)]
        medians = (statistics.median(a) - statistics.median(b)) / statistics.median(b)
        print(
            f"  {label}: CPU {statistics.median(a):.2f} s ({min(a):.2f}-{max(a):.2f}); "
            f"own work, median of the rounds {statistics.median(pairs):+.1%} "
            f"({', '.join(f'{p:+.1%}' for p in pairs)}); ratio of the medians {medians:+.1%}"
        )


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(arguments) < 3 or any("=" not in a for a in arguments[2:]):
        sys.exit(__doc__)
    main(
        int(arguments[0]),
        int(arguments[1]),
        {label: Path(tree) for label, _, tree in (a.partition("=") for a in arguments[2:])},
        downloads="--no-downloads" not in sys.argv,
    )
