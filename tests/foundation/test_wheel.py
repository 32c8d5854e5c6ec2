"""The built wheel carries templates and checklists: init/new/validate work from it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_runs_in_an_empty_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    [wheel] = dist.glob("cardgate-*.whl")

    # A venv that sees this interpreter's packages, so the test installs only the wheel
    # (no download), while cardgate itself comes from the wheel, not the checkout.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [sys.executable, "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pth = next((env_dir / "lib").glob("python*/site-packages"))
    (pth / "_parent.pth").write_text(site + "\n")
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    work = tmp_path / "empty"
    work.mkdir()
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cardgate = env_dir / "bin" / "cardgate"
    for command in (
        ["init"],
        ["new", "model-card", "demo"],
        ["new", "checklist", "demo"],
        ["validate"],
        ["build"],  # the site templates ship in the wheel; MkDocs runs in a worker process
    ):
        result = subprocess.run(
            [str(cardgate), *command],
            cwd=work,
            capture_output=True,
            text=True,
            env=environment,
            check=False,
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    where = subprocess.run(
        [str(python), "-c", "import cardgate, sys; print(cardgate.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    ).stdout
    assert str(env_dir) in where, "cardgate was imported from the checkout, not the wheel"
    assert (work / "site" / "build" / "systems" / "demo" / "index.html").is_file()
