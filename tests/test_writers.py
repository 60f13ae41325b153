"""Writers: CSV tables for mixed record kinds, linked-table names, JSON number output of amounts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

from allris_parse.models import AgendaEntry, CalendarEntry, Finance, Meeting, MeetingCalendar, Paper, Source
from allris_parse.writers import CsvTables, write_jsonl


def _source(n: int) -> Source:
    return Source(path=f"p{n}.html", format="html", sha256=f"{n:064x}")


def _records() -> list[Paper | Meeting | MeetingCalendar]:
    paper = Paper(source=_source(1), reference="DrS/2031/001", title="=HYPERLINK(1)",
                  finance=Finance(impact=True, one_time_costs=Decimal("1250000.50")))
    meeting = Meeting(source=_source(2), title="Sitzung des Rates", date=dt.date(2031, 3, 4), start="17:00",
                      agenda_items=[AgendaEntry(number="Ö 1", title="Eröffnung", public=True)])
    calendar = MeetingCalendar(source=_source(3), meetings=[CalendarEntry(title="Rat", date=dt.date(2031, 3, 4))])
    return [paper, meeting, calendar]


def test_flat_csv_has_the_columns_of_every_kind_met_once() -> None:
    out = io.StringIO()
    assert CsvTables().write_flat(_records(), out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert len(header) == len(set(header))
    assert [r["kind"] for r in rows] == ["paper", "meeting", "meeting_calendar"]
    assert rows[0]["reference"] == "DrS/2031/001" and rows[0]["finance_one_time_costs"] == "1250000.50"
    assert rows[0]["title"] == "'=HYPERLINK(1)"  # formula neutralised
    assert rows[1]["title"] == "Sitzung des Rates" and rows[1]["start"] == "17:00"
    assert rows[1]["agenda_items_count"] == "1" and rows[1]["reference"] == ""
    assert rows[2]["meetings_count"] == "1"


def test_flat_csv_of_one_kind_has_only_its_columns() -> None:
    out = io.StringIO()
    CsvTables().write_flat(_records()[:1], out)
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert "reference" in header and "agenda_items_count" not in header


def test_linked_tables_never_share_a_name_with_a_records_table(tmp_path: Path) -> None:
    CsvTables().write_directory(_records(), tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"papers.csv", "meetings.csv", "meeting_calendars.csv", "meeting_agenda_items.csv",
            "meeting_calendar_meetings.csv", "consultations.csv", "sections.csv"} <= set(names)
    agenda = list(csv.DictReader(io.StringIO((tmp_path / "meeting_agenda_items.csv").read_text(encoding="utf-8"))))
    meetings = list(csv.DictReader(io.StringIO((tmp_path / "meetings.csv").read_text(encoding="utf-8"))))
    assert agenda[0]["record_key"] == meetings[0]["record_key"] and agenda[0]["number"] == "Ö 1"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_amounts_are_exact_json_numbers() -> None:
    out = io.StringIO()
    write_jsonl(_records()[:1], out)
    assert '"one_time_costs":1250000.5' in out.getvalue()
    assert json.loads(out.getvalue())["finance"]["one_time_costs"] == 1250000.5
