"""A built wheel, installed in a fresh virtual environment outside the checkout, analyses an article.

No network: the wheel is built with this environment's setuptools (no build isolation) and installed
with --no-deps --no-index; the fresh environment then reaches the dependencies through a .pth file
naming this environment's site-packages, whose own .pth files (the editable install's finder among
them) Python does not run, so the checkout stays out of sight.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.paths import DEMO, REPO

SOURCES = ("spinscope", "models", "pyproject.toml", "README.md")


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the sources (the build leaves nothing in the checkout), by the setuptools
    PEP 517 backend that pyproject.toml names."""
    source = tmp_path / "source"
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    # what `pip wheel --no-build-isolation` runs, in half its time (pip prepares metadata in a second pass)
    build = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    name = subprocess.run([sys.executable, "-c", build, str(tmp_path)], cwd=source, capture_output=True, text=True, check=True).stdout.split()[-1]
    return tmp_path / name


def test_wheel_installed_outside_the_checkout_analyzes_the_demo(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", "--python", str(python)]
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--no-compile", str(wheel)], check=True)
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "work"
    work.mkdir()
    article = Path(shutil.copy(DEMO, work / "article.txt"))
    env = {k: v for k, v in os.environ.items() if k not in ("SPINSCOPE_MODELS", "PYTHONPATH", "VIRTUAL_ENV")}
    found = subprocess.run(
        [python, "-c", "import spinscope, spinscope_models; from spinscope.techniques.model_files import models_root; "
                       "print(spinscope.__file__); print(spinscope_models.__file__); print(models_root())"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert all(Path(f).is_relative_to(site) for f in found), found
    assert _files(site / "spinscope") == _files(REPO / "spinscope"), "the wheel lacks a package or package-data file, or has one too many"
    assert _files(site / "spinscope_models") == _files(REPO / "models") - {"floors.json"}

    result = subprocess.run([fresh / "bin" / "spinscope", "analyze", str(article), "--format", "json"], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["spans"]["technique"]
