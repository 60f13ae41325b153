"""Shared test set-up: the tests folder is importable (golden helpers), the corpus is optional."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))

SHARED = TESTS.parent.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The team's shared folder beside the checkout; tests using it skip where it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return SHARED
