"""The package type-checks under the mypy configuration in pyproject.toml (strict, with listed exceptions)."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec

import pytest

from tests.paths import REPO


def test_typing_mypy_finds_no_errors_in_the_package() -> None:
    if find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it comes with the test extra: pip install -e '.[test]')")
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
