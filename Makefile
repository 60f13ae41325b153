# Task runner: the same commands as CI and the README.
.PHONY: install test lint typecheck check score bench goldens

install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

test:
	.venv/bin/python -m pytest

lint:
	.venv/bin/ruff check src tests benchmarks

typecheck:
	.venv/bin/mypy

check: lint typecheck test

score:
	python3 ../shared/eval/score.py -v

bench:
	.venv/bin/python benchmarks/throughput.py

goldens:
	.venv/bin/python tests/golden.py
