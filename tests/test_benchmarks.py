"""The benchmark scripts run and report what they claim to measure (a smoke run on two fixtures; the
numbers themselves are measurements, never asserted against a bar here)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_throughput_measures_bare_engine_and_cli_with_one_estimator(capsys: pytest.CaptureFixture[str]) -> None:
    throughput = _load("throughput")
    pages = sorted(FIXTURES.glob("vo020/*/input.*"))[:2]
    assert throughput.main([*map(str, pages), "--repeat", "2", "--cli-copies", "2", "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    assert measured["files"] == 2 and measured["failed_pages"] == 0
    results = measured["results"]
    assert set(results) == {"bare", "ours", "cli"}
    assert results["ours"]["ratio_to_bare"] > 0
    # one CLI pair on two tiny pages: a difference of two child runs, which noise may drive to the floor
    assert isinstance(results["cli"]["ratio_to_bare"], float) and results["cli"]["ratio_to_bare"] >= 0
    # the CLI's marginal cost is set against a bare parse measured the same way (child, N passes minus one)
    assert results["cli"]["pages"] == results["cli"]["bare_marginal"]["pages"] == 2
    assert results["cli"]["bare_marginal"]["runs"] == 1


def test_throughput_refuses_to_measure_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    throughput = _load("throughput")
    assert throughput.main([str(tmp_path / "missing"), "--no-cli"]) == 1
    assert "no such file" in capsys.readouterr().err
