"""The command line through Typer's runner: inputs, formats, exit codes, atomic output, messages."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.server
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
import typer.main
from typer.testing import CliRunner, Result

from allris_parse import __version__, writers
from allris_parse.cli import app
from allris_parse.models import Attachment, Checkbox, Consultation, Finance, Paper, Record, Section, Source

FIXTURES = Path(__file__).parent / "fixtures"

VORLAGE_TEXT = ("Inhalt\nALLRIS - Vorlage\nBeschlussvorlage - 22-0815\nReduzieren\nBetreff: Neue Bänke am Mühlenteich\n"
                "Sachverhalt\nDie Bänke am Ufer sind morsch.\n")
VORLAGE_HTML = ('<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head>'
                '<meta name="description" content="ALLRIS net Version 3.9.5 (221117m)"/></head><body>'
                '<div id="allriscontainer" class="vo020"><div id="rismain"><table class="tk1"><tr>'
                '<td class="kb1">Betreff:</td><td class="text1">Gr\xfcnfl\xe4che \x84Am Teich\x93</td></tr>'
                '</table></div></div></body></html>').encode("latin-1")


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def _write(directory: Path, name: str, data: bytes | str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _jsonl(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _golden_inputs() -> list[Path]:
    return sorted(FIXTURES.glob("*/*/input.*"))


def _golden_input(suffix: str) -> Path:
    found = [p for p in _golden_inputs() if p.suffix == suffix and (p.parent / "expected.json").exists()]
    if not found:
        pytest.skip(f"no golden fixture with an input{suffix} yet")
    return found[0]


# --- version and help ---------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"allris-parse {__version__}"


def test_python_m_version() -> None:
    done = subprocess.run([sys.executable, "-m", "allris_parse", "--version"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"allris-parse {__version__}"


def _command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(getattr(group, "commands", {}))


def test_root_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in _command_names():
        assert name in result.stdout


@pytest.mark.parametrize("command", _command_names())
def test_command_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout
    assert "--help" in result.stdout


def test_parse_help_documents_options() -> None:
    out = run("parse", "--help").stdout
    for option in ("--format", "--output", "--url", "--allow-formulas", "--quiet"):
        assert option in out


# --- inputs -------------------------------------------------------------------------------------


def test_parse_a_file(tmp_path: Path) -> None:
    page = _write(tmp_path, "vorlage.txt", VORLAGE_TEXT)
    result = run("parse", str(page), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["kind"] == "paper"
    assert record["page_type"] == "vo020"
    assert record["source"]["path"] == str(page)
    assert record["source"]["format"] == "text"
    assert record["source"]["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert "1 of 1 inputs converted" in result.stderr


def test_parse_windows_1252_html_file(tmp_path: Path) -> None:
    page = _write(tmp_path, "vo020.html", VORLAGE_HTML)
    result = run("parse", str(page), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["format"] == "html"
    assert record["source"]["flavour"] == "classic"
    assert record["source"]["encoding"] == "windows-1252"


def test_parse_a_directory_recursively(tmp_path: Path) -> None:
    _write(tmp_path, "a/vo020_1.txt", VORLAGE_TEXT)
    _write(tmp_path, "a/b/c/vo020_2.html", VORLAGE_HTML)
    _write(tmp_path, "a/b/picture.png", b"\x89PNG\r\n\x1a\n" + bytes(16))  # not a page suffix: skipped
    _write(tmp_path, "a/.hidden/vo020_3.txt", VORLAGE_TEXT)  # hidden folders are skipped
    result = run("parse", str(tmp_path / "a"), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    paths = [r["source"]["path"] for r in _jsonl(result.stdout)]
    assert paths == [str(tmp_path / "a/b/c/vo020_2.html"), str(tmp_path / "a/vo020_1.txt")]


def test_parse_stdin() -> None:
    result = run("parse", "-", "--format", "jsonl", stdin=VORLAGE_TEXT.encode())
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["path"] is None
    assert record["source"]["url"] is None
    assert record["page_type"] == "vo020"


def test_parse_stdin_with_url() -> None:
    url = "https://ris.example/bi/vo020.asp?VOLFDNR=4252"
    result = run("parse", "-", "--url", url, "--format", "jsonl", stdin=b"Betreff: Radweg\n")
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["url"] == url


class _Pages(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.pages.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "text/html; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in a thread; never the internet."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    _Pages.pages = {"/bi/vo020.asp?VOLFDNR=17": VORLAGE_HTML}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def test_parse_a_url(server: str) -> None:
    url = f"{server}/bi/vo020.asp?VOLFDNR=17"
    result = run("parse", url, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["url"] == url
    assert record["source"]["path"] == url
    assert record["source"]["sha256"] == hashlib.sha256(VORLAGE_HTML).hexdigest()
    assert record["source"]["encoding"] == "windows-1252"


def test_url_that_fails_is_named(server: str, tmp_path: Path) -> None:
    good = _write(tmp_path, "vo020.txt", VORLAGE_TEXT)
    missing = f"{server}/bi/vo020.asp?VOLFDNR=404"
    result = run("parse", missing, str(good), "--format", "jsonl")
    assert result.exit_code == 1
    assert f"{missing}: HTTP 404" in result.stderr
    assert len(_jsonl(result.stdout)) == 1


# --- formats --------------------------------------------------------------------------------------


def test_json_is_one_array(tmp_path: Path) -> None:
    pages = [_write(tmp_path, f"vo020_{i}.txt", VORLAGE_TEXT + f"Nr. {i}\n") for i in range(3)]
    result = run("parse", *map(str, pages))  # json is the default
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert [r["source"]["path"] for r in records] == list(map(str, pages))


def test_json_of_nothing_converted_is_an_empty_array(tmp_path: Path) -> None:
    empty = _write(tmp_path, "empty.txt", b"")
    result = run("parse", str(empty), "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


def test_jsonl_is_one_record_per_line(tmp_path: Path) -> None:
    pages = [_write(tmp_path, f"vo020_{i}.txt", VORLAGE_TEXT + f"Nr. {i}\n") for i in range(2)]
    result = run("parse", *map(str, pages), "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["kind"] == "paper" for line in lines)


def test_output_file(tmp_path: Path) -> None:
    page = _write(tmp_path, "vo020.txt", VORLAGE_TEXT)
    out = tmp_path / "out" / "papers.jsonl"
    result = run("parse", str(page), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert len(_jsonl(out.read_text(encoding="utf-8"))) == 1
    assert sorted(p.name for p in out.parent.iterdir()) == ["papers.jsonl"]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_flat_table_to_a_file(tmp_path: Path) -> None:
    pages = [_write(tmp_path, f"vo020_{i}.txt", VORLAGE_TEXT + f"Nr. {i}\n") for i in range(2)]
    out = tmp_path / "papers.csv"
    result = run("parse", *map(str, pages), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    rows = _csv_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == 2
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:3] == ["record_key", "kind", "page_type"]
    for column in ("source_path", "source_sha256", "reference", "title", "consultations_count",
                   "finance_impact", "accessibility_affected"):
        assert column in header
    assert [r["source_path"] for r in rows] == list(map(str, pages))
    assert len({r["record_key"] for r in rows}) == 2


def test_csv_to_stdout(tmp_path: Path) -> None:
    page = _write(tmp_path, "vo020.txt", VORLAGE_TEXT)
    result = run("parse", str(page), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    [row] = _csv_rows(result.stdout)
    assert row["kind"] == "paper"


def test_csv_columns_are_stable_whatever_the_records_hold(tmp_path: Path) -> None:
    a = _write(tmp_path, "vo020_a.txt", VORLAGE_TEXT)
    b = _write(tmp_path, "vo020_b.html", VORLAGE_HTML)
    first = run("parse", str(a), "--format", "csv").stdout.splitlines()[0]
    second = run("parse", str(b), "--format", "csv").stdout.splitlines()[0]
    assert first == second


# A rich record with every linked table filled and hostile cell values: the CLI must not care
# what the extractors currently find, so these tests swap the engine for this stand-in.

def _fake_parse_page(data: bytes, *, path: str | None = None, url: str | None = None) -> Record:
    text = data.decode("utf-8")
    if not text.strip():
        from allris_parse.errors import InputError

        raise InputError("empty input")
    title = text.strip()
    return Paper(
        source=Source(path=path, url=url, format="text", flavour="allris4", sha256=hashlib.sha256(data).hexdigest()),
        paper_id=4252, reference="22-0815", title=title, paper_type="Beschlussvorlage", date=dt.date(2026, 1, 29),
        consultations=[
            Consultation(committee="Bauausschuss", role="Vorberatung", date=dt.date(2026, 2, 3), meeting_id=11,
                         agenda_item_id=101, result="=1+1"),
            Consultation(committee="Kreistag", role="Entscheidung", status="Geplant"),
        ],
        sections=[Section(heading="Sachverhalt", text="-5 Bänke\nzweite Zeile"), Section(text="+ Nachtrag")],
        attachments=[Attachment(title="@Lageplan", url="https://ris.example/a.pdf", size="460 KB")],
        documents=[Attachment(title="Vorlage", role="document")],
        finance=Finance(impact=True, one_time_costs=Decimal("505000")),
        checkboxes=[Checkbox(group="Finanzielle Auswirkungen", label="Ja", checked=True)],
        warnings=["truncated"],
    )


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("allris_parse.pipeline.parse_page", _fake_parse_page)


@pytest.mark.usefixtures("fake_engine")
def test_csv_linked_tables_into_a_directory(tmp_path: Path) -> None:
    pages = [_write(tmp_path, f"in/p{i}.txt", f"Titel {i}") for i in range(2)]
    out = tmp_path / "tables"
    out.mkdir()
    result = run("parse", *map(str, pages), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    for table in ("papers.csv", "consultations.csv", "sections.csv", "attachments.csv", "documents.csv",
                  "checkboxes.csv"):
        assert table in names
    assert not [n for n in names if n.startswith(".")], "no temporary files left"
    papers = _csv_rows((out / "papers.csv").read_text(encoding="utf-8"))
    keys = {p["record_key"] for p in papers}
    assert len(keys) == 2
    consultations = _csv_rows((out / "consultations.csv").read_text(encoding="utf-8"))
    assert len(consultations) == 4
    assert {c["record_key"] for c in consultations} == keys
    assert [c["position"] for c in consultations] == ["0", "1", "0", "1"]
    assert consultations[0]["committee"] == "Bauausschuss"
    assert consultations[0]["date"] == "2026-02-03"
    assert consultations[0]["meeting_id"] == "11"
    assert consultations[0]["record_kind"] == "paper"
    sections = _csv_rows((out / "sections.csv").read_text(encoding="utf-8"))
    assert sections[0]["heading"] == "Sachverhalt"
    assert sections[0]["text"].endswith("Bänke\nzweite Zeile"), "multi-line cells survive CSV quoting"
    assert papers[0]["finance_one_time_costs"] == "505000"
    assert papers[0]["consultations_count"] == "2"


def test_csv_directory_has_every_linked_table_even_when_empty(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def bare(data: bytes, *, path: str | None = None, url: str | None = None) -> Record:
        return Paper(source=Source(path=path, format="text", sha256=hashlib.sha256(data).hexdigest()))

    monkeypatch.setattr("allris_parse.pipeline.parse_page", bare)
    page = _write(tmp_path, "p.txt", "Titel")
    out = tmp_path / "tables"
    out.mkdir()
    (out / "consultations.csv").write_text("record_key\nstale-key-of-an-earlier-run\n", encoding="utf-8")
    result = run("parse", str(page), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "attachments.csv", "checkboxes.csv", "consultations.csv", "documents.csv", "papers.csv", "sections.csv"]
    consultations = (out / "consultations.csv").read_text(encoding="utf-8").splitlines()
    assert consultations[0].startswith("record_key,record_kind,position,committee,")
    assert len(consultations) == 1, "header only: nothing stale from an earlier run"


@pytest.mark.usefixtures("fake_engine")
def test_csv_directory_by_trailing_slash_is_created(tmp_path: Path) -> None:
    page = _write(tmp_path, "p.txt", "Titel")
    result = run("parse", str(page), "--format", "csv", "-o", f"{tmp_path / 'new'}/")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "new" / "papers.csv").is_file()


@pytest.mark.usefixtures("fake_engine")
def test_formulas_are_neutralised_by_default(tmp_path: Path) -> None:
    page = _write(tmp_path, "p.txt", '=HYPERLINK("http://evil.example","Klick")')
    out = tmp_path / "t"
    out.mkdir()
    result = run("parse", str(page), "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    [paper] = _csv_rows((out / "papers.csv").read_text(encoding="utf-8"))
    assert paper["title"] == "'=HYPERLINK(\"http://evil.example\",\"Klick\")"
    consultation = _csv_rows((out / "consultations.csv").read_text(encoding="utf-8"))[0]
    assert consultation["result"] == "'=1+1"
    sections = _csv_rows((out / "sections.csv").read_text(encoding="utf-8"))
    assert [s["text"][:2] for s in sections] == ["'-", "'+"]
    [attachment] = _csv_rows((out / "attachments.csv").read_text(encoding="utf-8"))
    assert attachment["title"] == "'@Lageplan"
    flat = run("parse", str(page), "--format", "csv")
    assert _csv_rows(flat.stdout)[0]["title"].startswith("'=")


@pytest.mark.usefixtures("fake_engine")
def test_allow_formulas_writes_cells_as_they_are(tmp_path: Path) -> None:
    page = _write(tmp_path, "p.txt", "=1+2")
    result = run("parse", str(page), "--format", "csv", "--allow-formulas")
    assert result.exit_code == 0, result.stderr
    assert _csv_rows(result.stdout)[0]["title"] == "=1+2"


@pytest.mark.usefixtures("fake_engine")
def test_json_is_never_neutralised(tmp_path: Path) -> None:
    page = _write(tmp_path, "p.txt", "=1+2")
    [record] = _jsonl(run("parse", str(page), "--format", "jsonl").stdout)
    assert record["title"] == "=1+2"
    assert record["finance"]["one_time_costs"] == 505000


# --- --url ------------------------------------------------------------------------------------------


def test_url_option_is_recorded(tmp_path: Path) -> None:
    page = _write(tmp_path, "saved.html", VORLAGE_HTML)
    url = "https://ris.example/bi/vo020.asp?VOLFDNR=17"
    result = run("parse", str(page), "--url", url, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["url"] == url
    assert record["source"]["path"] == str(page)


def test_url_option_helps_to_tell_the_page_type(tmp_path: Path) -> None:
    page = _write(tmp_path, "saved.txt", "Radweg am Teich\nEine Zeile ohne Kennzeichen\n")
    assert run("parse", str(page), "--format", "jsonl").exit_code == 1
    result = run("parse", str(page), "--url", "https://ris.example/bi/vo020?VOLFDNR=3", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert _jsonl(result.stdout)[0]["page_type"] == "vo020"


def test_url_option_with_a_directory_of_one_page(tmp_path: Path) -> None:
    _write(tmp_path, "d/saved.txt", VORLAGE_TEXT)
    url = "https://ris.example/bi/vo020.asp?VOLFDNR=17"
    result = run("parse", str(tmp_path / "d"), "--url", url, "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert _jsonl(result.stdout)[0]["source"]["url"] == url


def test_url_option_with_several_inputs_is_a_usage_error(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.txt", VORLAGE_TEXT)
    b = _write(tmp_path, "b.txt", VORLAGE_TEXT)
    out = tmp_path / "out.json"
    result = run("parse", str(a), str(b), "--url", "https://ris.example/vo020.asp?VOLFDNR=1", "-o", str(out))
    assert result.exit_code == 2
    assert "--url" in result.stderr
    assert "2 inputs" in result.stderr
    assert not out.exists()


def test_url_option_with_a_directory_of_several_pages_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path, "d/a.txt", VORLAGE_TEXT)
    _write(tmp_path, "d/b.txt", VORLAGE_TEXT)
    result = run("parse", str(tmp_path / "d"), "--url", "https://ris.example/vo020.asp?VOLFDNR=1")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- exit codes -------------------------------------------------------------------------------------


def test_some_inputs_fail(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", VORLAGE_TEXT)
    empty = _write(tmp_path, "empty.txt", b"")
    png = _write(tmp_path, "image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40))
    pdf = _write(tmp_path, "vorlage.txt", b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    missing = tmp_path / "no-such-file.html"
    good2 = _write(tmp_path, "good2.html", VORLAGE_HTML)
    result = run("parse", str(good), str(empty), str(png), str(pdf), str(missing), str(good2), "--format", "jsonl")
    assert result.exit_code == 1
    assert [r["source"]["path"] for r in _jsonl(result.stdout)] == [str(good), str(good2)]
    err = result.stderr
    assert f"{empty}: empty input" in err
    assert f"{png}: binary input" in err and "PNG" in err
    assert f"{pdf}: binary input" in err and "PDF" in err
    assert f"{missing}: no such file or directory" in err
    assert "2 of 6 inputs converted, 4 failed" in err
    assert "Traceback" not in result.output


def test_unsupported_page_type_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    from allris_parse import labels, pages

    unsupported = [code for code in labels.PAGE_TYPE_CODES if code not in pages.EXTRACTORS]
    if not unsupported:
        pytest.skip("every known page type has an extractor")
    page = _write(tmp_path, "page.html", f'<html><body><div id="allriscontainer" class="{unsupported[0]}">'
                                          "<p>x</p></div></body></html>")
    result = run("parse", str(page))
    assert result.exit_code == 1
    assert f"unsupported page type '{unsupported[0]}'" in result.stderr
    assert "Traceback" not in result.output


def test_unrecognised_page_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    page = _write(tmp_path, "letter.txt", "Sehr geehrte Damen und Herren,\nein Brief.\n")
    result = run("parse", str(page))
    assert result.exit_code == 1
    assert f"{page}: unrecognised page type" in result.stderr


def test_all_failed_is_exit_1(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path / "missing.txt"))
    assert result.exit_code == 1


def test_empty_directory_is_exit_1(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path))
    assert result.exit_code == 1
    assert "no pages found" in result.stderr


@pytest.mark.parametrize("args", [
    ["parse"],
    ["parse", "x.txt", "--format", "xml"],
    ["parse", "x.txt", "--no-such-option"],
    ["no-such-command"],
])
def test_usage_errors_are_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_directory_output_needs_csv(tmp_path: Path) -> None:
    page = _write(tmp_path, "a.txt", VORLAGE_TEXT)
    result = run("parse", str(page), "--format", "json", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "only --format csv" in result.stderr


# --- atomic output ------------------------------------------------------------------------------------


def _failing_writer(records: Any, out: Any) -> int:
    for record in records:
        out.write(record.model_dump_json())
        break
    raise RuntimeError("disk on fire")


@pytest.mark.parametrize("name", ["write_json", "write_jsonl"])
def test_failing_writer_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    page = _write(tmp_path, "in/a.txt", VORLAGE_TEXT)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.setattr(writers, name, _failing_writer)
    result = run("parse", str(page), "--format", name.removeprefix("write_"), "-o", str(out_dir / "records.json"))
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert list(out_dir.iterdir()) == [], "neither the output nor a temporary file"


def test_existing_output_is_untouched_when_the_run_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [_write(tmp_path, f"in/p{i}.txt", VORLAGE_TEXT) for i in range(3)]
    out = tmp_path / "records.jsonl"
    out.write_text("old content\n", encoding="utf-8")
    from allris_parse import pipeline

    real = pipeline.convert_one
    calls = 0

    def dying(item: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # the user presses Ctrl-C halfway through
        return real(item)

    monkeypatch.setattr(pipeline, "convert_one", dying)
    result = run("parse", *map(str, pages), "--format", "jsonl", "-o", str(out))
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "records.jsonl"]


@pytest.mark.usefixtures("fake_engine")
def test_csv_directory_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [_write(tmp_path, f"in/p{i}.txt", f"Titel {i}") for i in range(3)]
    out = tmp_path / "tables"
    out.mkdir()
    (out / "papers.csv").write_text("old\n", encoding="utf-8")
    from allris_parse import pipeline

    real = pipeline.convert_one
    calls = 0

    def dying(item: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("killed")
        return real(item)

    monkeypatch.setattr(pipeline, "convert_one", dying)
    result = run("parse", *map(str, pages), "--format", "csv", "-o", str(out))
    assert result.exit_code != 0
    assert sorted(p.name for p in out.iterdir()) == ["papers.csv"]
    assert (out / "papers.csv").read_text(encoding="utf-8") == "old\n"


def test_successful_run_replaces_existing_output(tmp_path: Path) -> None:
    page = _write(tmp_path, "a.txt", VORLAGE_TEXT)
    out = tmp_path / "records.json"
    out.write_text("old", encoding="utf-8")
    assert run("parse", str(page), "-o", str(out)).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 1


# --- messages -----------------------------------------------------------------------------------------


def test_quiet_prints_only_errors(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", VORLAGE_TEXT)
    result = run("parse", str(good), "--quiet", "--format", "jsonl")
    assert result.exit_code == 0
    assert result.stderr == ""
    bad = _write(tmp_path, "bad.txt", b"")
    result = run("parse", str(good), str(bad), "-q", "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"allris-parse: {bad}: empty input"


def test_stdout_holds_only_records(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.txt", VORLAGE_TEXT)
    bad = _write(tmp_path, "bad.txt", b"")
    result = run("parse", str(good), str(bad), "--format", "jsonl")
    assert "allris-parse:" not in result.stdout
    assert len(_jsonl(result.stdout)) == 1


# --- golden fixtures through the CLI ------------------------------------------------------------------


def test_golden_fixtures_through_the_cli_match_the_library() -> None:
    inputs = [p for p in _golden_inputs() if (p.parent / "expected.json").exists()
              and not (p.parent / "meta.json").exists()]
    if not inputs:
        pytest.skip("no golden fixtures yet")
    result = run("parse", *map(str, inputs), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    records = _jsonl(result.stdout)
    assert len(records) == len(inputs)
    for page, record in zip(inputs, records, strict=True):
        expected = json.loads((page.parent / "expected.json").read_text(encoding="utf-8"))
        assert record["source"].pop("path") == str(page)
        expected["source"].pop("path")
        assert record == expected, page.parent.name


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_golden_input_through_stdin(suffix: str) -> None:
    page = _golden_input(suffix)
    meta_file = page.parent / "meta.json"
    url = json.loads(meta_file.read_text(encoding="utf-8")).get("url") if meta_file.exists() else None
    args = ["parse", "-", "--format", "jsonl", *(["--url", url] if url else [])]
    result = run(*args, stdin=page.read_bytes())
    assert result.exit_code == 0, result.stderr
    [record] = _jsonl(result.stdout)
    assert record["source"]["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
