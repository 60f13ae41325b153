"""Inputs: files, directories, globs, lists of paths, and archives built here (zip, tar, tar.gz, tgz, gz),
read in memory; unsafe member names and the size caps."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from allris_parse import sources
from allris_parse.errors import InputError
from allris_parse.sources import Input, iter_inputs, load_members, unsafe_member_reason

PAGE = b"Inhalt\nALLRIS - Vorlage\nBeschlussvorlage - 22-0815\nBetreff: Neue B\xc3\xa4nke\n"
MEMBERS = {"2021/vo020_4252.html": PAGE, "2021/b/vo020_1.txt": PAGE + b"x", "a.txt": PAGE + b"y",
           "2021/picture.png": b"\x89PNG", ".hidden/vo020.txt": PAGE, "__MACOSX/2021/._a.txt": b"junk"}
PAGE_MEMBERS = sorted(["2021/vo020_4252.html", "2021/b/vo020_1.txt", "a.txt"])


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _tar(path: Path, members: dict[str, bytes], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _loaded(arguments: list[str]) -> list[Input]:
    return list(load_members(iter_inputs(arguments)))


# --- files, directories, globs, lists -------------------------------------------------------------


def test_file_directory_and_missing(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.html").write_bytes(PAGE)
    (tmp_path / "d" / "sub" / "a.txt").write_bytes(PAGE)
    (tmp_path / "d" / "image.png").write_bytes(b"\x89PNG")
    items = list(iter_inputs([str(tmp_path / "d"), str(tmp_path / "missing.html")]))
    assert [i.name for i in items] == [str(tmp_path / "d/b.html"), str(tmp_path / "d/sub/a.txt"),
                                       str(tmp_path / "missing.html")]
    assert items[0].read() == PAGE
    assert items[2].error is not None and "no such file" in items[2].error
    with pytest.raises(InputError, match="no such file"):
        items[2].read()


def test_glob_is_expanded_sorted(tmp_path: Path) -> None:
    for name in ("c.html", "a.html", "b.txt"):
        (tmp_path / name).write_bytes(PAGE)
    names = [i.name for i in iter_inputs([str(tmp_path / "*.html")])]
    assert names == [str(tmp_path / "a.html"), str(tmp_path / "c.html")]
    [nothing] = iter_inputs([str(tmp_path / "*.xhtml")])
    assert nothing.error is not None and "no file matches" in nothing.error


def test_recursive_glob(tmp_path: Path) -> None:
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "p.html").write_bytes(PAGE)
    assert [i.name for i in iter_inputs([f"{tmp_path}/**/*.html"])] == [str(tmp_path / "x/y/p.html")]


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\x00"])
def test_list_of_paths_from_stdin(tmp_path: Path, separator: str) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.txt"
    a.write_bytes(PAGE)
    b.write_bytes(PAGE)
    listing = separator.join([str(b), "", str(a), str(tmp_path / "gone.txt")]) + separator
    items = list(iter_inputs(["-"], from_list=True, stdin=io.BytesIO(listing.encode())))
    assert [i.name for i in items] == [str(b), str(a), str(tmp_path / "gone.txt")], "order of the list is kept"
    assert items[2].error is not None


def test_list_file_may_name_directories_and_archives(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.html").write_bytes(PAGE)
    _zip(tmp_path / "e.zip", {"q.html": PAGE})
    listing = tmp_path / "list.txt"
    listing.write_text(f"{tmp_path / 'd'}\n{tmp_path / 'e.zip'}\n", encoding="utf-8")
    names = [i.name for i in iter_inputs([str(listing)], from_list=True)]
    assert names == [str(tmp_path / "d/p.html"), f"{tmp_path / 'e.zip'}!q.html"]


def test_missing_list_is_one_failed_input(tmp_path: Path) -> None:
    [item] = iter_inputs([str(tmp_path / "nope.txt")], from_list=True)
    assert item.error is not None and "cannot read the list" in item.error


def test_stdin_is_one_document() -> None:
    [item] = iter_inputs(["-"], stdin=io.BytesIO(PAGE))
    assert item.name == "-"
    assert item.read() == PAGE


# --- archives ---------------------------------------------------------------------------------------


def _build(kind: str, directory: Path, members: dict[str, bytes]) -> Path:
    if kind == "zip":
        return _zip(directory / "exports.zip", members)
    if kind == "tar":
        return _tar(directory / "exports.tar", members)
    if kind == "tar.gz":
        return _tar(directory / "exports.tar.gz", members, "w:gz")
    return _tar(directory / "exports.tgz", members, "w:gz")


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz", "tgz"])
def test_archive_members_are_pages_named_after_the_archive(tmp_path: Path, kind: str) -> None:
    archive = _build(kind, tmp_path, dict(sorted(MEMBERS.items())))  # written sorted: a .tar.gz keeps that order
    items = _loaded([str(archive)])
    assert [i.name for i in items] == [f"{archive}!{m}" for m in PAGE_MEMBERS]
    assert all(i.error is None for i in items)
    assert [i.read() for i in items] == [MEMBERS[m] for m in PAGE_MEMBERS]


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_zip_and_tar_members_come_sorted_whatever_the_archive_order(tmp_path: Path, kind: str) -> None:
    archive = _build(kind, tmp_path, {"c.html": PAGE, "a.html": PAGE, "b.html": PAGE})
    assert [i.name.split("!")[1] for i in _loaded([str(archive)])] == ["a.html", "b.html", "c.html"]


def test_compressed_tar_members_come_in_archive_order(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "x.tar.gz", {"c.html": PAGE, "a.html": PAGE + b"1", "b.html": PAGE + b"2"}, "w:gz")
    items = _loaded([str(archive)])
    assert [i.name.split("!")[1] for i in items] == ["c.html", "a.html", "b.html"]
    assert [i.read() for i in items] == [PAGE, PAGE + b"1", PAGE + b"2"]


def test_gz_is_one_page_named_after_the_file_inside(tmp_path: Path) -> None:
    path = tmp_path / "vo020_4252.html.gz"
    path.write_bytes(gzip.compress(PAGE))
    [item] = _loaded([str(path)])
    assert item.name == f"{path}!vo020_4252.html"
    assert item.read() == PAGE


def test_archives_inside_a_directory_are_opened(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    _zip(tmp_path / "d" / "e.zip", {"p.html": PAGE})
    (tmp_path / "d" / "f.html").write_bytes(PAGE)
    names = [i.name for i in _loaded([str(tmp_path / "d")])]
    assert names == [f"{tmp_path / 'd/e.zip'}!p.html", str(tmp_path / "d/f.html")]


def test_archive_is_not_unpacked_to_disk(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "e.zip", {"p.html": PAGE, "q/r.html": PAGE})
    before = sorted(tmp_path.rglob("*"))
    assert len(_loaded([str(archive)])) == 2
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_corrupt_archive_is_one_failed_input(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"broken.{kind}"
    path.write_bytes(b"PK\x03\x04 this is not really an archive" * 3)
    [item] = _loaded([str(path)])
    assert item.name == str(path)
    assert item.error is not None and "cannot read archive" in item.error


def test_truncated_gz_is_a_failed_member(tmp_path: Path) -> None:
    path = tmp_path / "p.html.gz"
    path.write_bytes(gzip.compress(PAGE * 50)[:40])
    [item] = _loaded([str(path)])
    assert item.error is not None and "cannot read archive member" in item.error


# --- hostile archives: names that escape, links, bombs -------------------------------------------------


@pytest.mark.parametrize(("name", "reason"), [
    ("../evil.html", ".."), ("a/../../evil.html", ".."), ("/etc/evil.html", "absolute"),
    ("C:/evil.html", "absolute"), ("..\\evil.html", ".."), ("ok/page.html", None),
])
def test_unsafe_member_reason(name: str, reason: str | None) -> None:
    found = unsafe_member_reason(name)
    assert (found is None) if reason is None else (found is not None and reason in found)


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz"])
def test_member_names_that_escape_are_refused_one_by_one(tmp_path: Path, kind: str) -> None:
    members = {"../escape.html": PAGE, "/abs/olute.txt": PAGE, "fine.html": PAGE, "../../x.png": b"\x89PNG"}
    archive = _build(kind, tmp_path, members)
    items = {i.name.split("!", 1)[1]: i for i in _loaded([str(archive)])}
    assert items["fine.html"].error is None and items["fine.html"].read() == PAGE
    for name in ("../escape.html", "../../x.png"):  # refused whatever the suffix: the user should hear of it
        assert items[name].error is not None and "unsafe archive member name" in items[name].error
    absolute = next(i for n, i in items.items() if n.endswith("abs/olute.txt"))
    assert absolute.error is not None and "absolute path" in absolute.error
    assert not (tmp_path.parent / "escape.html").exists()


def test_tar_links_are_not_followed(tmp_path: Path) -> None:
    path = tmp_path / "links.tar"
    with tarfile.open(path, "w") as archive:
        info = tarfile.TarInfo("real.html")
        info.size = len(PAGE)
        archive.addfile(info, io.BytesIO(PAGE))
        link = tarfile.TarInfo("link.html")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    items = {i.name.split("!", 1)[1]: i for i in _loaded([str(path)])}
    assert items["real.html"].error is None
    assert items["link.html"].error is not None and "link" in items["link.html"].error


def test_member_cap_refuses_a_large_member_without_buffering_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 1000)
    archive = _zip(tmp_path / "bomb.zip", {"a.html": PAGE, "big.html": b"<p>" + b"0" * 50_000, "z.html": PAGE})
    items = {i.name.split("!", 1)[1]: i for i in _loaded([str(archive)])}
    assert items["a.html"].error is None and items["z.html"].error is None
    assert items["big.html"].error is not None and "archive member too large" in items["big.html"].error


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_member_cap_checks_declared_and_decompressed_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           kind: str) -> None:
    """A member declaring too many bytes is refused unread; one whose stream yields more than the cap (an
    archive may lie about sizes) is refused after cap + 1 bytes."""
    archive = _build(kind, tmp_path, {"big.html": b"0" * 5000})
    [listed] = iter_inputs([str(archive)])
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 1000)
    reader = sources._ArchiveReader(str(archive))
    try:
        with pytest.raises(InputError, match="too large"):
            reader._take(io.BytesIO(b"0" * 5000), 1000)
    finally:
        reader.close()
    [loaded] = load_members([listed])
    assert loaded.error is not None and "too large" in loaded.error


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz"])
def test_archive_cap_stops_reading_a_bomb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    members = {f"p{i:02d}.html": b"<p>" + bytes([65 + i]) * 997 for i in range(10)}  # 1000 bytes each
    archive = _build(kind, tmp_path, members)
    monkeypatch.setattr(sources, "MAX_ARCHIVE_BYTES", 3500)
    items = _loaded([str(archive)])
    good = [i for i in items if i.error is None]
    refused = [i for i in items if i.error is not None]
    assert 2 <= len(good) <= 3
    assert refused and all("archive" in (i.error or "") and "3,500" in (i.error or "") for i in refused)
    assert sum(len(i.data or b"") for i in good) <= 3500


def test_zip_of_overlapping_members_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bomb of many members that all decompress the same highly compressed data."""
    members = {f"m{i:03d}.html": b"\x00" * 200_000 for i in range(100)}  # 20 MB uncompressed, ~20 KB zipped
    archive = _zip(tmp_path / "bomb.zip", members)
    assert archive.stat().st_size < 100_000
    monkeypatch.setattr(sources, "MAX_ARCHIVE_BYTES", 1_000_000)
    items = _loaded([str(archive)])
    assert len(items) == 100
    assert sum(len(i.data or b"") for i in items) <= 1_000_000
    assert sum(i.error is not None for i in items) >= 95


def test_caps_are_named_constants() -> None:
    assert sources.MAX_MEMBER_BYTES <= sources.MAX_INPUT_BYTES
    assert sources.MAX_ARCHIVE_BYTES >= sources.MAX_MEMBER_BYTES
