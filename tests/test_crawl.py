"""fetch and crawl against a fake ALLRIS site on 127.0.0.1 (never the internet), in both address schemes,
with the faults real servers show. Waits are shortened through the politeness options (--backoff,
--max-wait, --timeout) and most runs use a high --rate; one test checks the limiter at a low rate."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from allris_parse import parse_page
from allris_parse.archive import Archive, read_manifest
from allris_parse.cli import app
from allris_parse.crawl import Site, months, site_from_url
from fakesite import LOGIN_PAGE, PDF, THROTTLE_PAGE, Answer, FakeSite, fixture, fixture_path, redirect, status

FAST = ["--rate", "50", "--concurrency", "3", "--retries", "2", "--backoff", "0.05", "--max-wait", "1",
        "--timeout", "0.5", "--contact", "tests@example.org"]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def classic_site(site: FakeSite, *, faults: bool = True) -> None:
    """/bi/: one month (Oktober 2025), three Sitzungen, their Auszüge and Vorlagen, with a fault on most."""
    site.add("/bi/", redirect("/bi/allris.net.asp"))
    site.add("/bi/allris.net.asp", Answer(body=b'<html><body><a href="si010_e.asp">Kalender</a></body></html>'))
    site.add("/bi/si010_e.asp?MM=10&YY=2025", fixture("si010/classic-month-view"))
    site.add("/bi/to010.asp?SILFDNR=901", status(500), fixture("to010/classic-full-cp1252"))
    site.add("/bi/to010.asp?SILFDNR=905", fixture("to010/classic-embedded"))
    site.add("/bi/to010.asp?SILFDNR=910", redirect("/bi/noauth.asp"))
    auszug = fixture("to020/classic-paper-votes")
    site.add("/bi/to020.asp?TOLFDNR=501", auszug)
    site.add("/bi/to020.asp?TOLFDNR=502", status(429, **{"Retry-After": "1"}), auszug)
    site.add("/bi/to020.asp?TOLFDNR=503", Answer(body=THROTTLE_PAGE), auszug)
    site.add("/bi/to020.asp?TOLFDNR=510", Answer(body=auszug.body, truncate=True), auszug)
    site.add("/bi/to020.asp?TOLFDNR=504", status(404))
    site.add("/bi/to020.asp?TOLFDNR=9101", Answer(body=auszug.body, delay=1.0), auszug)
    site.add("/bi/to020.asp?TOLFDNR=9102", Answer(body=LOGIN_PAGE), auszug)
    site.add("/bi/to020.asp?TOLFDNR=9103", redirect("/bi/login.asp"))
    site.add("/bi/vo020.asp?VOLFDNR=812", fixture("vo020/classic-full-cp1252"))
    site.add("/bi/vo020.asp?VOLFDNR=820", redirect("http://other-host.invalid/bi/vo020.asp?VOLFDNR=820"))
    site.add("/bi/vo020.asp?VOLFDNR=3301", fixture("vo020/classic-same-row-consultations"))
    site.add("/bi/vo020.asp?VOLFDNR=9001", Answer(stream=20 * 1024 * 1024, etag=False))
    if not faults:  # the same pages, each answered at once
        for path, answers in site.routes.items():
            if path.startswith("/bi/to020.asp") and path != "/bi/to020.asp?TOLFDNR=504":
                site.add(path, auszug)
            elif path == "/bi/to010.asp?SILFDNR=901":
                site.add(path, answers[-1])
    for number in (7001, 7002, 9001, 9002, 55001, 77001):
        site.add(f"/bi/do027.asp?DOLFDNR={number}&options=64", Answer(body=PDF, content_type="application/pdf"))


def allris4_site(site: FakeSite) -> None:
    """/public/: September 2026, two Sitzungen; a Vorlage whose files live on another host."""
    site.add("/public/si010?MM=9&YY=2026", fixture("si010/allris4-ajax-response"))
    site.add("/public/to010?SILFDNR=1000417", fixture("to010/allris4-nested"))
    site.add("/public/to010?SILFDNR=1000421", Answer(body=THROTTLE_PAGE), fixture("to010/allris4-nested"))
    site.add("/public/to020?TOLFDNR=7101", fixture("to020/text-reduzieren-cut"))
    site.add("/public/to020?TOLFDNR=7103", fixture("to020/text-grunddaten"))
    site.add("/public/to020?TOLFDNR=7104", fixture("to020/text-fragment"))
    site.add("/public/to020?TOLFDNR=7105", status(503), status(502), fixture("to020/text-reduzieren-cut"))
    site.add("/public/vo020?VOLFDNR=2201", fixture("vo020/allris4-standalone"))
    pdf = Answer(body=PDF, content_type="application/pdf")
    for number in (7001, 7002, 3000101, 3000102):
        site.add(f"/public/wicket/resource/org.apache.wicket.Application/doc{number}.pdf", pdf)
    for number in (0, 1):  # Wicket's stateful links: a real server may answer them only within a session
        site.add(f"/public/vo020?0--anlagenHeaderPanel-attachmentsList-{number}-attachment-link&VOLFDNR=2004711", pdf)


def latest(archive_dir: Path) -> dict[str, dict[str, Any]]:
    return Archive(archive_dir, writable=False).latest


def outcomes(archive_dir: Path, origin: str) -> dict[str, str]:
    return {url.replace(origin, ""): entry["outcome"] for url, entry in latest(archive_dir).items()}


CLASSIC_EXPECTED = {
    "/robots.txt": "ok",
    "/bi/": "ok",  # the start page tells the address scheme: .asp
    "/bi/si010_e.asp?MM=10&YY=2025": "ok",
    "/bi/to010.asp?SILFDNR=901": "ok",  # 500 then 200
    "/bi/to010.asp?SILFDNR=905": "ok",
    "/bi/to010.asp?SILFDNR=910": "not_public",  # redirect to noauth.asp
    "/bi/to020.asp?TOLFDNR=501": "ok",
    "/bi/to020.asp?TOLFDNR=502": "ok",  # 429 Retry-After: 1, then 200
    "/bi/to020.asp?TOLFDNR=503": "ok",  # throttling page, then the page
    "/bi/to020.asp?TOLFDNR=510": "ok",  # truncated body, then whole
    "/bi/to020.asp?TOLFDNR=504": "http_error",  # 404
    "/bi/to020.asp?TOLFDNR=9101": "ok",  # slower than the timeout, then fast
    "/bi/to020.asp?TOLFDNR=9102": "ok",  # a login page served by mistake, then the page
    "/bi/to020.asp?TOLFDNR=9103": "not_public",  # redirected to a login every time
    "/bi/vo020.asp?VOLFDNR=812": "ok",
    "/bi/vo020.asp?VOLFDNR=820": "off_host",  # redirected to another host: recorded, not followed
    "/bi/vo020.asp?VOLFDNR=3301": "ok",
    "/bi/vo020.asp?VOLFDNR=9001": "too_large",  # 20 MB
    # files: listed (metadata only) without --attachments
    "/bi/do027.asp?DOLFDNR=9001&options=64": "listed",
    "/bi/do027.asp?DOLFDNR=9002&options=64": "listed",
    "/allris/do027.asp?DOLFDNR=77001&options=64": "listed",
    "/bi/do027.asp?DOLFDNR=55001&options=64": "listed",
    "/bi/do027.asp?DOLFDNR=55002&options=64&typ=130": "listed",
    "/bi/___tmp/tmp/1-2-3/abc/01/Lageplan.pdf": "listed",
    "/bi/___tmp/tmp/1-2-3/abc/02/Kosten.pdf": "listed",
    "/bi/do027.asp?DOLFDNR=7001&options=64": "listed",
    "/bi/do027.asp?DOLFDNR=7002&options=64": "listed",
}


@pytest.fixture(scope="module")
def classic_crawl(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One crawl of the classic site, shared by the tests that read its archive."""
    archive = tmp_path_factory.mktemp("classic") / "archive"
    with FakeSite() as site:
        classic_site(site)
        result = run("crawl", f"{site.origin}/bi/", "--from", "2025-10", "-o", str(archive), "--parse", *FAST)
        yield site, archive, result


def test_classic_crawl_archives_exactly_the_month(classic_crawl: Any) -> None:
    site, archive, result = classic_crawl
    assert outcomes(archive, site.origin) == CLASSIC_EXPECTED, result.output
    assert result.exit_code == 0, result.output
    summary = result.output.strip().splitlines()[-1]
    assert summary.startswith("allris-parse: crawl: 11 fetched, 0 already archived, 2 not public, 1 off-host")
    assert "1 too large" in summary and "9 attachments listed" in summary and "; 11 records;" in summary
    requested = site.requested()
    assert not any("other-host" in path or "noauth" in path or "login" in path for path in requested)
    # every page was asked once, or as often as its fault needs
    assert requested.count("/bi/si010_e.asp?MM=10&YY=2025") == 1
    assert requested.count("/bi/to020.asp?TOLFDNR=9103") == 3  # login redirect: retried, then not public
    assert all(headers.get("User-Agent", "").startswith("allris-parse/") and "tests@example.org" in
               headers["User-Agent"] for _, _, headers in site.log)


def test_classic_crawl_scheme_from_start_page(tmp_path: Path) -> None:
    with FakeSite() as site:
        site.add("/bi/", redirect("/bi/allris.net.asp"))
        site.add("/bi/allris.net.asp", Answer(body=b'<html><body><a href="si010_e.asp">Kalender</a></body></html>'))
        site.add("/bi/si010_e.asp?MM=10&YY=2025", Answer(body=fixture("si010/classic-month-view").body))
        result = run("crawl", f"{site.origin}/bi/", "--from", "2025-10-06", "--to", "2025-10-06",
                     "-o", str(tmp_path), *FAST)
        requested = site.requested()
    assert "/bi/allris.net.asp" in requested
    assert "/bi/to010.asp?SILFDNR=901" in requested  # 6 October only
    assert "/bi/to010.asp?SILFDNR=905" not in requested and "/bi/to010.asp?SILFDNR=910" not in requested
    assert result.exit_code == 0, result.output


def test_archive_parses_offline_to_the_same_records(classic_crawl: Any) -> None:
    site, archive, _ = classic_crawl
    parsed = run("parse", str(archive), "--format", "jsonl")
    records = [json.loads(line) for line in parsed.output.splitlines() if line.startswith("{")]
    by_url = {record["source"]["url"]: record for record in records}
    served = {"/bi/si010_e.asp?MM=10&YY=2025": "si010/classic-month-view",
              "/bi/to010.asp?SILFDNR=901": "to010/classic-full-cp1252",
              "/bi/to010.asp?SILFDNR=905": "to010/classic-embedded",
              "/bi/vo020.asp?VOLFDNR=812": "vo020/classic-full-cp1252",
              "/bi/vo020.asp?VOLFDNR=3301": "vo020/classic-same-row-consultations",
              **{f"/bi/to020.asp?TOLFDNR={n}": "to020/classic-paper-votes" for n in (501, 502, 503, 510, 9101, 9102)}}
    assert set(by_url) == {site.origin + path for path in served}
    for path, name in served.items():
        url = site.origin + path
        direct = parse_page(fixture_path(name).read_bytes(), path=str(fixture_path(name)), url=url)
        expected = direct.model_dump(mode="json")
        got = by_url[url]
        assert got["source"]["sha256"] == expected["source"]["sha256"]  # the bytes as served
        for record in (expected, got):
            record["source"].pop("path")
        assert got == expected, path
    # records written while crawling are the same records
    crawled = [json.loads(line) for line in (archive / "records.jsonl").read_text().splitlines()]
    assert sorted(r["source"]["url"] for r in crawled) == sorted(by_url)


def test_rerun_fetches_nothing_and_refresh_is_conditional(classic_crawl: Any, tmp_path: Path) -> None:
    site, archive, _ = classic_crawl
    with FakeSite() as again:  # the same site on a new port: copy the archive's addresses over
        classic_site(again, faults=False)
        moved = tmp_path / "archive"
        moved.mkdir()
        (moved / "bodies").symlink_to(archive / "bodies")
        text = (archive / "manifest.jsonl").read_text().replace(site.origin, again.origin)
        (moved / "manifest.jsonl").write_text(text)
        result = run("crawl", f"{again.origin}/bi/", "--from", "2025-10", "-o", str(moved), *FAST)
        assert result.exit_code == 0, result.output
        assert again.requested() == ["/robots.txt"]  # every other answer is in the archive
        assert "0 fetched" in result.output
        before = len(again.log)
        result = run("crawl", f"{again.origin}/bi/", "--from", "2025-10", "-o", str(moved), "--refresh", *FAST)
        refreshed = again.log[before:]
    conditional = [headers for _, path, headers in refreshed if path == "/bi/vo020.asp?VOLFDNR=812"]
    assert conditional and conditional[0].get("If-None-Match")
    assert "not modified" in result.output
    assert latest(moved)[f"{again.origin}/bi/vo020.asp?VOLFDNR=812"]["outcome"] == "not_modified"
    # the archive still parses: a 304 keeps the page it confirms
    parsed = run("parse", str(moved), "--format", "jsonl")
    assert parsed.output.count('"kind":"paper"') == 2


def test_allris4_crawl_with_attachments(tmp_path: Path) -> None:
    with FakeSite() as site:
        allris4_site(site)
        result = run("crawl", f"{site.origin}/public/si010?MM=9&YY=2026", "--from", "2026-09-01", "--to",
                     "2026-09-30", "--attachments", "-o", str(tmp_path), *FAST)
        found = outcomes(tmp_path, site.origin)
        requested = site.requested()
    wicket = "/public/wicket/resource/org.apache.wicket.Application"
    assert found == {
        "/robots.txt": "ok",
        "/public/si010?MM=9&YY=2026": "ok",
        "/public/to010?SILFDNR=1000417": "ok",
        "/public/to010?SILFDNR=1000421": "ok",  # throttling page first: backed off, not archived as a page
        "/public/to020?TOLFDNR=7101": "ok", "/public/to020?TOLFDNR=7103": "ok", "/public/to020?TOLFDNR=7104": "ok",
        "/public/to020?TOLFDNR=7105": "ok",  # 503, 502, then 200
        "/public/to020?TOLFDNR=7106": "http_error",
        "/public/vo020?VOLFDNR=2201": "ok",
        f"{wicket}/doc7001.pdf": "ok", f"{wicket}/doc7002.pdf": "ok",  # the Sitzung's files
        f"{wicket}/doc3000101.pdf": "ok", f"{wicket}/doc3000102.pdf": "ok",  # the Vorlage's
        "/public/vo020?0--anlagenHeaderPanel-attachmentsList-0-attachment-link&VOLFDNR=2004711": "ok",
        "/public/vo020?0--anlagenHeaderPanel-attachmentsList-1-attachment-link&VOLFDNR=2004711": "ok",
    }, result.output
    assert result.exit_code == 0, result.output
    assert requested.count("/public/to010?SILFDNR=1000421") == 2
    bodies = {entry.get("sha256") for entry in latest(tmp_path).values()}
    throttle_sha = __import__("hashlib").sha256(THROTTLE_PAGE).hexdigest()
    assert throttle_sha not in bodies
    assert not list(tmp_path.glob(f"bodies/*/{throttle_sha}.raw"))


def test_papers_range_and_robots(tmp_path: Path) -> None:
    with FakeSite() as site:
        site.add("/bi/vo020.asp?VOLFDNR=3301", fixture("vo020/classic-same-row-consultations"))
        for number in (7001, 7002):
            site.add(f"/bi/do027.asp?DOLFDNR={number}&options=64", Answer(body=PDF, content_type="application/pdf"))
        result = run("crawl", f"{site.origin}/bi/vo020.asp?VOLFDNR=1", "--papers", "3300-3302", "--attachments",
                     "-o", str(tmp_path / "a"), *FAST)
        assert result.exit_code == 0, result.output
        assert outcomes(tmp_path / "a", site.origin) == {
            "/robots.txt": "ok", "/bi/vo020.asp?VOLFDNR=3300": "http_error", "/bi/vo020.asp?VOLFDNR=3301": "ok",
            "/bi/vo020.asp?VOLFDNR=3302": "http_error", "/bi/do027.asp?DOLFDNR=7001&options=64": "ok",
            "/bi/do027.asp?DOLFDNR=7002&options=64": "ok"}
        fetched = run("fetch", f"{site.origin}/bi/private/vo020.asp?VOLFDNR=1",
                      f"{site.origin}/bi/vo020.asp?VOLFDNR=3301", "-o", str(tmp_path / "b"), *FAST)
        assert "/bi/private/vo020.asp?VOLFDNR=1" not in site.requested()
    assert outcomes(tmp_path / "b", site.origin) == {
        "/robots.txt": "ok", "/bi/private/vo020.asp?VOLFDNR=1": "robots_disallowed", "/bi/vo020.asp?VOLFDNR=3301": "ok"}
    assert "disallowed by robots.txt" in fetched.output


def test_dry_run_lists_and_sends_nothing(tmp_path: Path) -> None:
    with FakeSite() as site:
        result = run("crawl", f"{site.origin}/bi/si010_e.asp", "--from", "2025-11", "--to", "2026-01",
                     "-o", str(tmp_path / "a"), "--dry-run")
        assert site.requested() == []
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("http")] == [
        f"{site.origin}/bi/si010_e.asp?MM={m}&YY={y}" for y, m in ((2025, 11), (2025, 12), (2026, 1))]
    assert not (tmp_path / "a").exists()


def test_rate_limit_at_a_low_rate(tmp_path: Path) -> None:
    with FakeSite() as site:
        result = run("crawl", f"{site.origin}/public/vo020", "--papers", "1-5", "-o", str(tmp_path), "--rate", "5",
                     "--concurrency", "4", "--retries", "0")
        times = site.times()
    assert result.exit_code == 0, result.output
    assert len(times) == 6  # robots.txt and five Vorlagen
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.2 * 0.9, gaps  # never faster than 5 a second
    assert times[-1] - times[0] >= 5 * 0.2 * 0.9


def _paper_site(site: FakeSite, count: int) -> list[str]:
    answer = fixture("vo020/classic-same-row-consultations")
    paths = [f"/bi/vo020.asp?VOLFDNR={number}" for number in range(1, count + 1)]
    for path in paths:
        site.add(path, answer)
    return paths


def _crawl_process(origin: str, archive: Path, count: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "allris_parse", "crawl", f"{origin}/bi/vo020.asp",
                             "--papers", f"1-{count}", "-o", str(archive), "--rate", "40", "--backoff", "0.05"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "200"})


def _wait_for_pages(archive: Path, pages: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and process.poll() is None:
        if sum(1 for entry in read_manifest(archive) if entry.get("outcome") == "ok") >= pages:
            return
        time.sleep(0.02)


def test_killed_run_resumes_without_refetching(tmp_path: Path) -> None:
    with FakeSite() as site:
        paths = _paper_site(site, 40)
        process = _crawl_process(site.origin, tmp_path, 40)
        _wait_for_pages(tmp_path, 10, process)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        assert process.stderr is not None
        process.stderr.close()
        archived = {url.replace(site.origin, "") for url, entry in latest(tmp_path).items()
                    if entry["outcome"] == "ok"}
        assert 10 <= len(archived) < 41
        first_run = len(site.log)
        result = run("crawl", f"{site.origin}/bi/vo020.asp", "--papers", "1-40", "-o", str(tmp_path), *FAST)
        second = site.requested()[first_run:]
    assert result.exit_code == 0, result.output
    assert not archived.intersection(second) - {"/robots.txt"}  # nothing archived before the kill fetched again
    assert second.count("/robots.txt") == 1  # robots.txt is read again by every run: it may have changed
    assert {url.replace(site.origin, "") for url, entry in latest(tmp_path).items()
            if entry["outcome"] == "ok"} == {*paths, "/robots.txt"}


def test_sigterm_stops_cleanly_and_the_rerun_continues(tmp_path: Path) -> None:
    with FakeSite() as site:
        paths = _paper_site(site, 30)
        process = _crawl_process(site.origin, tmp_path, 30)
        _wait_for_pages(tmp_path, 5, process)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 143, stderr
        assert b"interrupted" in stderr
        result = run("crawl", f"{site.origin}/bi/vo020.asp", "--papers", "1-30", "-o", str(tmp_path), *FAST)
        counts = {path: site.requested().count(path) for path in paths}
    assert result.exit_code == 0, result.output
    assert max(counts.values()) <= 2 and sum(counts.values()) <= 30 + 2  # at most the pages in flight twice


def test_site_from_url() -> None:
    assert site_from_url("https://ris.example.org/bi/si010_e.asp?MM=1&YY=2025") == (
        "https://ris.example.org/bi/", Site("https://ris.example.org/bi/", "classic", "", "si010_e.asp"))
    assert site_from_url("https://ris.example.org/bi/vo020_r.asp?VOLFDNR=5")[1] == Site(
        "https://ris.example.org/bi/", "classic", "_r", None)
    assert site_from_url("https://x.example.de/public/to010?SILFDNR=1")[1] == Site(
        "https://x.example.de/public/", "allris4")
    assert site_from_url("https://x.example.de/public") == ("https://x.example.de/public/", None)
    assert site_from_url("https://x.example.de/bi/allris.net.asp")[1] == Site("https://x.example.de/bi/", "classic")
    classic = Site("https://r.example/bi/", "classic")
    assert classic.month(2025, 3) == "https://r.example/bi/si010_e.asp?MM=3&YY=2025"
    assert classic.page("to020", TOLFDNR=7) == "https://r.example/bi/to020.asp?TOLFDNR=7"
    assert Site("https://r.example/public/", "allris4").page("vo020", VOLFDNR=7) == \
        "https://r.example/public/vo020?VOLFDNR=7"
    assert list(months(__import__("datetime").date(2025, 11, 5), __import__("datetime").date(2026, 2, 1))) == [
        (2025, 11), (2025, 12), (2026, 1), (2026, 2)]


def test_usage_errors(tmp_path: Path) -> None:
    assert run("crawl", "https://ris.example.org/bi/", "-o", str(tmp_path)).exit_code == 2
    assert run("crawl", "https://ris.example.org/bi/", "--from", "2025-13", "-o", str(tmp_path)).exit_code == 2
    assert run("crawl", "https://ris.example.org/bi/", "--papers", "9-1", "-o", str(tmp_path)).exit_code == 2
    assert run("crawl", "ris.example.org", "--from", "2025-01", "-o", str(tmp_path)).exit_code == 2
    assert run("fetch", "file:///etc/passwd", "-o", str(tmp_path)).exit_code == 2
    assert run("fetch", "https://ris.example.org/bi/vo020.asp", "-o", str(tmp_path), "--rate", "0").exit_code == 2
