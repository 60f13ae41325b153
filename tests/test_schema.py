"""`schema`: the JSON Schema of the records from the Pydantic models, all kinds or one; records written by
`parse` conform to it (checked with a small checker of the keywords the models produce)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from allris_parse.cli import app
from allris_parse.validation import KINDS, json_schema

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_all_kinds_as_a_union_discriminated_by_kind() -> None:
    result = run("schema")
    assert result.exit_code == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["discriminator"]["propertyName"] == "kind"
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)
    refs = [entry["$ref"] for entry in schema["oneOf"]]
    assert sorted(refs) == sorted(schema["discriminator"]["mapping"].values())
    for ref in refs:
        model = schema["$defs"][ref.rsplit("/", 1)[1]]
        assert model["additionalProperties"] is False
        assert model["properties"]["kind"]["const"] in KINDS


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_kind(kind: str) -> None:
    result = run("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["properties"]["kind"]["const"] == kind
    assert {"kind", "page_type", "source", "warnings"} <= set(schema["properties"])
    assert schema == json_schema(kind)


def test_paper_schema_fields() -> None:
    schema = json_schema("paper")
    assert {"reference", "title", "finance", "consultations", "checkboxes"} <= set(schema["properties"])
    finance = schema["$defs"]["Finance"]["properties"]
    assert {"type": "number"} in finance["one_time_costs"]["anyOf"]  # amounts are written as JSON numbers
    assert schema["properties"]["date"]["anyOf"][0] == {"format": "date", "type": "string"}


def test_unknown_kind_is_a_usage_error_listing_the_kinds() -> None:
    result = run("schema", "minutes")
    assert result.exit_code == 2
    assert "unknown kind 'minutes'" in result.stderr
    for kind in KINDS:
        assert kind in result.stderr


def test_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "record.schema.json"
    assert run("schema", "meeting", "--output", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Meeting"


# --- records conform ---------------------------------------------------------------------------------


def _conforms(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "") -> list[str]:
    """Problems of ``value`` against ``schema``: the keywords Pydantic writes for these models."""
    if "$ref" in schema:
        return _conforms(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, at)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema["oneOf"]
        if "discriminator" in schema:
            return _conforms(value, {"$ref": schema["discriminator"]["mapping"][value["kind"]]}, root, at)
        if any(not _conforms(value, option, root, at) for option in options):
            return []
        return [f"{at}: {value!r} fits none of {options}"]
    problems: list[str] = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{at}: {value!r} is not one of {schema['enum']}")
    kind = schema.get("type")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None),
             "array": list, "object": dict}
    if kind and (not isinstance(value, types[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{at}: {value!r} is not {kind}"]
    if kind == "string":
        if schema.get("format") == "date":
            dt.date.fromisoformat(value)
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{at}: {value!r} does not match {schema['pattern']}")
    if kind == "array":
        for index, item in enumerate(value):
            problems += _conforms(item, schema.get("items", {}), root, f"{at}[{index}]")
    if kind == "object":
        properties = schema.get("properties", {})
        problems += [f"{at}.{key}: not allowed" for key in value
                     if key not in properties and schema.get("additionalProperties") is False]
        problems += [f"{at}.{key}: required" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                problems += _conforms(item, properties[key], root, f"{at}.{key}")
    return problems


def test_every_record_parse_writes_conforms_to_the_schema(tmp_path: Path) -> None:
    pages = sorted(str(p) for p in FIXTURES.glob("*/*/input.*"))
    records = tmp_path / "records.jsonl"
    assert CliRunner().invoke(app, ["parse", *pages, "--format", "jsonl", "-o", str(records)]).exit_code == 0
    schema = json_schema()
    lines = records.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(pages)
    for line in lines:
        record = json.loads(line)
        assert _conforms(record, schema, schema) == []
        assert _conforms(record, json_schema(record["kind"]), json_schema(record["kind"])) == []


def test_the_checker_does_find_what_does_not_conform() -> None:
    schema = json_schema()
    bad = {"kind": "paper", "page_type": "vo020", "source": {"format": "pdf", "sha256": "x"}, "colour": "red",
           "date": 5}
    problems = _conforms(bad, schema, schema)
    assert any(".colour: not allowed" in p for p in problems)
    assert any(".source.format" in p for p in problems)
    assert any(".date" in p for p in problems)
