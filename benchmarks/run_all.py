"""Run every benchmark in turn (`make bench`); each prints its own side-by-side table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "bench_validate.py",
    "bench_coverage.py",
    "bench_gate.py",
    "bench_evaluate.py",
    "bench_evaluate_bootstrap.py",
    "bench_check_data.py",
    "bench_site.py",
    "bench_retrieval.py",
    "bench_monitor.py",
    "bench_scale.py",
]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"\n## {script}\n", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
