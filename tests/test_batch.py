"""Batch conversion through the command line: order whatever --jobs, archives, --errors, --summary-json,
summary and progress, --split (safe names, collisions, atomic files), --resume, interrupts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from allris_parse import pipeline, writers
from allris_parse.cli import app
from allris_parse.errors import InputError
from allris_parse.models import MeetingCalendar, Paper, Record, Source
from allris_parse.writers import SPLIT_INDEX, safe_name_part, split_stem

FIXTURES = Path(__file__).parent / "fixtures"
EXE = Path(sys.executable).parent / "allris-parse"


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def _jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _fixture_pages() -> list[Path]:
    """Golden fixture inputs that parse without a URL hint."""
    return [p for p in sorted(FIXTURES.glob("*/*/input.*"))
            if (p.parent / "expected.json").exists() and not (p.parent / "meta.json").exists()]


def _batch(directory: Path, count: int, *, bad: int = 0) -> list[Path]:
    """``count`` pages copied from the fixtures under shuffled-looking names, plus ``bad`` empty pages."""
    pages = _fixture_pages()
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        source = pages[(i * 7) % len(pages)]
        target = directory / f"{(i * 37) % 1000:03d}_{i}_{source.parent.parent.name}{source.suffix}"
        shutil.copyfile(source, target)
        made.append(target)
    for i in range(bad):
        target = directory / f"{(i * 53) % 1000:03d}_bad_{i}.html"
        target.write_bytes(b"")
        made.append(target)
    return sorted(made)


# --- order and parallelism -------------------------------------------------------------------------


def test_output_is_identical_and_sorted_with_one_or_two_jobs(tmp_path: Path) -> None:
    pages = _batch(tmp_path / "in", 60, bad=3)
    one = run("parse", str(tmp_path / "in"), "-f", "jsonl", "--jobs", "1", "-q")
    two = run("parse", str(tmp_path / "in"), "-f", "jsonl", "--jobs", "2", "-q")
    assert one.exit_code == two.exit_code == 1  # the empty pages failed; the rest was converted
    assert one.stdout == two.stdout
    paths = [r["source"]["path"] for r in _jsonl(two.stdout)]
    assert len(paths) == 60
    assert paths == sorted(paths) == [str(p) for p in pages if p.stat().st_size]
    assert one.stderr == two.stderr, "failures are reported in input order too"


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_other_formats_do_not_depend_on_jobs(tmp_path: Path, output_format: str) -> None:
    _batch(tmp_path / "in", 30)
    one = run("parse", str(tmp_path / "in"), "-f", output_format, "-j", "1", "-q")
    three = run("parse", str(tmp_path / "in"), "-f", output_format, "-j", "3", "-q")
    assert one.exit_code == three.exit_code == 0
    assert one.stdout == three.stdout


def test_pool_results_match_the_library(tmp_path: Path) -> None:
    from allris_parse import parse_page

    pages = _batch(tmp_path / "in", 20)
    result = run("parse", str(tmp_path / "in"), "-f", "jsonl", "-j", "2", "-q")
    for page, record in zip(pages, _jsonl(result.stdout), strict=True):
        assert record == json.loads(parse_page(page.read_bytes(), path=str(page)).model_dump_json())


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    assert run("parse", str(tmp_path), "--jobs", "0").exit_code == 2


def test_workers_send_json_text_not_models(tmp_path: Path) -> None:
    [page] = _batch(tmp_path / "in", 1)
    [outcome] = pipeline.convert_chunk(list(__import__("allris_parse.sources").sources.iter_inputs([str(page)])),
                                       "json")
    assert outcome.record is None and isinstance(outcome.json, str)
    assert outcome.kind and outcome.split_stem


# --- archives through the command line -------------------------------------------------------------------


def test_archive_members_name_the_source_path(tmp_path: Path) -> None:
    pages = _batch(tmp_path / "in", 3)
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for page in pages:
            handle.write(page, f"2021/{page.name}")
        handle.writestr("../escape.html", b"Betreff: x\n")
    result = run("parse", str(archive), "-f", "jsonl", "--errors", str(tmp_path / "errors.jsonl"))
    assert result.exit_code == 1
    assert [r["source"]["path"] for r in _jsonl(result.stdout)] == [f"{archive}!2021/{p.name}" for p in pages]
    [error] = _jsonl((tmp_path / "errors.jsonl").read_text(encoding="utf-8"))
    assert error["path"] == f"{archive}!../escape.html"
    assert error["error_type"] == "InputError"
    assert "unsafe archive member name" in error["message"]


def test_from_list_on_stdin(tmp_path: Path) -> None:
    pages = _batch(tmp_path / "in", 3)
    listing = "\n".join(str(p) for p in reversed(pages)).encode()
    result = run("parse", "-", "--from-list", "-f", "jsonl", stdin=listing)
    assert result.exit_code == 0, result.stderr
    assert [r["source"]["path"] for r in _jsonl(result.stdout)] == [str(p) for p in reversed(pages)]


def test_glob_argument(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 4)
    result = run("parse", f"{tmp_path}/in/*.html", "-f", "jsonl", "-q")
    assert result.exit_code == 0
    assert all(r["source"]["path"].endswith(".html") for r in _jsonl(result.stdout))


# --- failures, --errors, summary ---------------------------------------------------------------------------


def test_failures_never_stop_the_batch_and_go_to_errors_file(tmp_path: Path) -> None:
    pages = _batch(tmp_path / "in", 12, bad=2)
    png = tmp_path / "in" / "zz_image.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40))
    errors = tmp_path / "report" / "errors.jsonl"
    result = run("parse", str(tmp_path / "in"), str(tmp_path / "missing.html"), "-f", "jsonl", "-j", "2",
                 "--errors", str(errors))
    assert result.exit_code == 1
    assert len(_jsonl(result.stdout)) == 12
    lines = _jsonl(errors.read_text(encoding="utf-8"))
    assert [e["path"] for e in lines] == [*(str(p) for p in pages if not p.stat().st_size), str(png),
                                          str(tmp_path / "missing.html")]
    assert {tuple(sorted(e)) for e in lines} == {("error_type", "message", "path")}
    assert lines[0] == {"path": lines[0]["path"], "error_type": "InputError", "message": "empty input"}
    assert "binary input" in lines[2]["message"]
    assert "15 of 16 inputs converted" not in result.stderr
    assert "12 of 16 inputs converted, 4 failed" in result.stderr


def test_errors_file_is_written_empty_when_nothing_failed(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 2)
    errors = tmp_path / "errors.jsonl"
    assert run("parse", str(tmp_path / "in"), "--errors", str(errors), "-q").exit_code == 0
    assert errors.read_text(encoding="utf-8") == ""


def test_summary_json(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 10, bad=1)
    summary = tmp_path / "summary.json"
    result = run("parse", str(tmp_path / "in"), "-f", "jsonl", "--summary-json", str(summary), "-q", "-j", "2")
    assert result.exit_code == 1
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["inputs"] == 11
    assert data["converted"] == 10 and data["failed"] == 1 and data["records_written"] == 10
    assert data["failures"] == {"InputError": 1}
    assert sum(data["by_kind"].values()) == 10
    assert sum(row["pages"] for row in data["by_kind_flavour"]) == 10
    assert {"kind", "flavour", "pages"} == set(data["by_kind_flavour"][0])
    assert data["warnings"] >= data["pages_with_warnings"] >= 0
    assert data["elapsed_seconds"] >= 0 and data["pages_per_second"] >= 0
    assert data["jobs"] == 2 and data["interrupted"] is None and data["exit_code"] == 1


def test_summary_table_on_stderr_and_quiet(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 5)
    loud = run("parse", str(tmp_path / "in"), "-f", "jsonl")
    assert loud.exit_code == 0
    for word in ("kind", "flavour", "pages", "warnings", "failed", "pages/s", "5 of 5 inputs converted"):
        assert word in loud.stderr
    assert "paper" in loud.stderr
    quiet = run("parse", str(tmp_path / "in"), "-f", "jsonl", "-q")
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 5)
    done = subprocess.run([str(EXE), "parse", str(tmp_path / "in"), "-f", "jsonl"], capture_output=True,
                          check=False, timeout=120)
    assert done.returncode == 0
    assert b"\r" not in done.stderr and b"\x1b[" not in done.stderr, "no bar, no terminal control codes"
    assert b"ETA" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_bar_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 30)
    primary, secondary = os.openpty()
    try:
        done = subprocess.run([str(EXE), "parse", str(tmp_path / "in"), "-f", "jsonl", "-j", "2"],
                              stdout=subprocess.PIPE, stderr=secondary, check=False, timeout=120,
                              env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
        os.close(secondary)
        secondary = -1
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    assert done.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "30/30" in text and "pages/s" in text and "ETA" in text
    assert len(_jsonl(done.stdout.decode())) == 30, "stdout holds only records"


# --- --split --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("DrS/2021/241-1", "DrS-2021-241-1"), ("../../etc/passwd", "etc-passwd"), ("VO/0815 a:b", "VO-0815-a-b"),
    ("Grünfläche Straße", "Gruenflaeche-Strasse"), ("C:\\x\\y", "C-x-y"), ("..", ""), ("CON", "CON"),
])
def test_safe_name_part(value: str, expected: str) -> None:
    assert safe_name_part(value) == expected


def _paper(reference: str | None, *, paper_id: int | None = None, text: str = "x") -> Paper:
    return Paper(source=Source(format="text", sha256=hashlib.sha256(text.encode()).hexdigest()),
                 reference=reference, paper_id=paper_id)


def test_split_stem_uses_kind_and_reference_or_id() -> None:
    assert split_stem(_paper("DrS/2021/241-1", paper_id=5)) == "paper_DrS-2021-241-1"
    assert split_stem(_paper(None, paper_id=4252)) == "paper_4252"
    assert split_stem(_paper("///")).startswith("paper_") and len(split_stem(_paper("///"))) == 6 + 16
    calendar = MeetingCalendar(source=Source(format="html", sha256="ab" * 32), page_type="si010")
    assert split_stem(calendar) == "meeting_calendar_" + "ab" * 8
    assert "/" not in split_stem(_paper("a/" * 200)) and len(split_stem(_paper("a/" * 200))) <= 100


def _fake_parse(data: bytes, *, path: str | None = None, url: str | None = None) -> Record:
    text = data.decode("utf-8").strip()
    if not text:
        raise InputError("empty input")
    reference, _, title = text.partition("|")
    return Paper(source=Source(path=path, url=url, format="text", sha256=hashlib.sha256(data).hexdigest()),
                 reference=reference or None, title=title or None, date=dt.date(2026, 1, 29))


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("allris_parse.pipeline.parse_page", _fake_parse)


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.usefixtures("fake_engine")
def test_split_writes_one_safe_file_per_record(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name, text in {"a.txt": "DrS/2021/241-1|Erste", "b.txt": "DrS/2021/241-1|Zweite", "c.txt": "../../up|x",
                       "d.txt": "", "e.txt": "drs/2021/241-1|Dritte"}.items():
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
    out = tmp_path / "split"
    result = run("parse", str(tmp_path / "in"), "--split", str(out), "-j", "1")
    assert result.exit_code == 1  # d.txt is empty
    assert result.stdout == "", "with --split alone nothing goes to standard output"
    assert _files(out) == [SPLIT_INDEX, "paper_DrS-2021-241-1.json", "paper_DrS-2021-241-1__2.json",
                           "paper_drs-2021-241-1__3.json", "paper_up.json"], "collisions are case-blind"
    assert json.loads((out / "paper_DrS-2021-241-1.json").read_text(encoding="utf-8"))["title"] == "Erste"
    assert json.loads((out / "paper_DrS-2021-241-1__2.json").read_text(encoding="utf-8"))["title"] == "Zweite"
    assert not list(tmp_path.glob("up*")) and not (tmp_path / "DrS").exists()


@pytest.mark.usefixtures("fake_engine")
def test_split_again_rewrites_its_own_files_and_spares_foreign_ones(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("R-1|Eins", encoding="utf-8")
    out = tmp_path / "split"
    out.mkdir()
    (out / "paper_R-2.json").write_text("not ours\n", encoding="utf-8")
    assert run("parse", str(tmp_path / "in"), "--split", str(out)).exit_code == 0
    assert run("parse", str(tmp_path / "in"), "--split", str(out)).exit_code == 0
    assert _files(out) == [SPLIT_INDEX, "paper_R-1.json", "paper_R-2.json"], "the second run did not add __2"
    (tmp_path / "in" / "a.txt").write_text("R-2|Zwei", encoding="utf-8")
    assert run("parse", str(tmp_path / "in"), "--split", str(out)).exit_code == 0
    assert _files(out) == [SPLIT_INDEX, "paper_R-2.json", "paper_R-2__2.json"], "renamed record: old file gone"
    assert (out / "paper_R-2.json").read_text(encoding="utf-8") == "not ours\n"


def test_split_with_output_writes_both(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 12)
    out = tmp_path / "split"
    result = run("parse", str(tmp_path / "in"), "--split", str(out), "-o", str(tmp_path / "all.jsonl"),
                 "-f", "jsonl", "-j", "2", "-q")
    assert result.exit_code == 0
    records = _jsonl((tmp_path / "all.jsonl").read_text(encoding="utf-8"))
    files = [p for p in out.iterdir() if p.suffix == ".json"]
    assert len(files) == len(records) == 12
    assert sorted(json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in files) == \
        sorted(r["source"]["path"] for r in records)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_split_names_do_not_depend_on_jobs(tmp_path: Path) -> None:
    _batch(tmp_path / "in", 40)
    for jobs in ("1", "2"):
        assert run("parse", str(tmp_path / "in"), "--split", str(tmp_path / jobs), "-j", jobs, "-q").exit_code == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "1").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "2").iterdir()}
    assert one == two


# --- --resume ------------------------------------------------------------------------------------------------


def test_resume_skips_inputs_with_newer_output(tmp_path: Path) -> None:
    pages = _batch(tmp_path / "in", 10, bad=1)
    out = tmp_path / "split"
    first = run("parse", str(tmp_path / "in"), "--split", str(out), "-j", "2")
    assert first.exit_code == 1
    summary = tmp_path / "s.json"
    again = run("parse", str(tmp_path / "in"), "--split", str(out), "--resume", "--summary-json", str(summary))
    assert again.exit_code == 1, "the failed input is tried again (and fails again)"
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["skipped"] == 10 and data["converted"] == 0 and data["failed"] == 1
    assert "10 skipped (up to date)" in again.stderr
    touched = pages[3]
    later = time.time() + 5
    os.utime(touched, (later, later))
    third = run("parse", str(tmp_path / "in"), "--split", str(out), "--resume", "--summary-json", str(summary))
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert third.exit_code == 1
    assert data["skipped"] == 9 and data["converted"] == 1


def test_resume_needs_split(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path), "--resume")
    assert result.exit_code == 2
    assert "--split" in result.stderr


# --- interrupts -------------------------------------------------------------------------------------------------


def _wait_for(predicate: Any, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_interrupted_run_leaves_no_partial_file(tmp_path: Path, signum: int, code: int) -> None:
    _batch(tmp_path / "in", 1200)
    out = tmp_path / "split"
    combined = tmp_path / "all.jsonl"
    process = subprocess.Popen(
        [str(EXE), "parse", str(tmp_path / "in"), "--split", str(out), "-o", str(combined), "-f", "jsonl",
         "-j", "2", "--errors", str(tmp_path / "errors.jsonl"), "--summary-json", str(tmp_path / "summary.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: out.is_dir() and len(list(out.iterdir())) > 20), "the run did not start writing"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == code, stderr.decode()
    message = stderr.decode()
    assert f"interrupted by {signal.Signals(signum).name} after" in message
    assert "--resume" in message
    assert not combined.exists(), "the combined output appears only when complete"
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".all.jsonl")]
    assert leftovers == []
    files = [p for p in out.iterdir() if p.suffix == ".json"]
    assert 0 < len(files) < 1200
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))  # every file complete
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["interrupted"] == signal.Signals(signum).name
    assert summary["exit_code"] == code
    assert summary["converted"] >= len(files)
    assert (tmp_path / "errors.jsonl").exists()
    # and --resume goes on from there
    resumed = run("parse", str(tmp_path / "in"), "--split", str(out), "--resume", "-q", "--summary-json",
                  str(tmp_path / "summary.json"))
    assert resumed.exit_code == 0
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["skipped"] >= len(files)
    assert summary["skipped"] + summary["converted"] == 1200
    assert len([p for p in out.iterdir() if p.suffix == ".json"]) == 1200


def test_keyboard_interrupt_in_process_keeps_split_files_whole(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _batch(tmp_path / "in", 5)
    real = writers.write_atomically
    calls = 0

    def dying(path: Path, text: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            with path.parent.joinpath(".half.tmp").open("w", encoding="utf-8") as handle:
                handle.write(text[:10])
            path.parent.joinpath(".half.tmp").unlink()
            raise KeyboardInterrupt
        real(path, text)

    monkeypatch.setattr(writers, "write_atomically", dying)
    result = run("parse", str(tmp_path / "in"), "--split", str(tmp_path / "split"), "-j", "1")
    assert result.exit_code == 130
    assert "interrupted by SIGINT after" in result.stderr
    names = _files(tmp_path / "split")
    assert len([n for n in names if n.endswith(".json")]) == 2
    assert not [n for n in names if n.endswith(".tmp")]


def test_parse_help_documents_the_batch_options() -> None:
    out = run("parse", "--help").stdout
    for option in ("--from-list", "--jobs", "--split", "--resume", "--errors", "--summary-json", "--quiet"):
        assert option in out
