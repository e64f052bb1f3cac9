"""The package type-checks under the mypy configuration in pyproject.toml (strict, with listed exceptions)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.paths import REPO


def test_typing_mypy_finds_no_errors_in_the_package() -> None:
    if shutil.which("mypy", path=str(REPO / ".venv" / "bin")) is None and subprocess.run([sys.executable, "-m", "mypy", "--version"], capture_output=True).returncode:
        pytest.skip("mypy is not installed (it comes with the test extra: pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
