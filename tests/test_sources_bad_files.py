"""Every adapter refuses a bad vendor file with one plain message naming the file and source,
and detection recognises no vendor in files that are not vendor exports."""

from pathlib import Path

import duckdb
import pytest

from aftermath.ingest import vendors as sources

BAD_FILES = {
    # name: (bytes, words the message must contain)
    "truncated.json": (
        b'{"incidents": [{"id": "a", "incident_updates": []}, {"id": ',
        "the JSON is cut off or broken",
    ),
    "error_page.json": (
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head></html>\n",
        "this is a web page (HTML), not JSON",
    ),
    "semicolons.csv": (
        b"id;subject;created_at\n1;Charged twice;2024-05-01\n",
        "this is a CSV file (fields separated by ';'), not JSON",
    ),
    "bom.csv": (
        b"\xef\xbb\xbfid,subject,created_at\n1,Charged twice,2024-05-01\n",
        "It starts with a byte-order mark (BOM)",
    ),
    "empty.json": (b"", "the file holds no JSON data (it is empty)"),
    "api_error.json": (
        b'{"error": "Couldn\'t authenticate you"}',
        "it holds an API error response (keys: error), not data",
    ),
}


@pytest.mark.parametrize("source", sorted(sources.ADAPTERS))
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_gives_a_plain_message(tmp_path: Path, source: str, name: str) -> None:
    content, words = BAD_FILES[name]
    if name.endswith(".csv") and hasattr(sources.ADAPTERS[source], "CSV_MARKS"):
        # An adapter that reads the vendor's CSV download says the header is none of its own.
        words = "this CSV file is not a "
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(sources.SourceError) as e:
        sources.ADAPTERS[source].read(duckdb.connect(), path, {})
    message = str(e.value)
    assert message.startswith(f"{name} [{source}]: ")
    assert words in message
    # It says what the adapter expected, and it is one line.
    assert "expected" in message.lower()
    assert "\n" not in message
    assert sources.detect(path) is None


def test_broken_file_inside_a_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / "a.json").write_text('{"incident": {"id": "a", "incident_updates": []}}')
    (folder / "b.json").write_text('{"incident": {"id": "b", "incident_upd')
    with pytest.raises(sources.SourceError) as e:
        sources.ADAPTERS["statuspage"].read(duckdb.connect(), folder, {})
    assert str(e.value).startswith("incidents [statuspage], file b.json: the JSON is cut off")


def test_contract_files_are_not_taken_for_vendor_exports(tmp_path: Path) -> None:
    tickets = tmp_path / "my_tickets.json"
    tickets.write_text('[{"ticket_id": "T1", "created_at": "2024-05-01T09:00:00Z"}]')
    incidents = tmp_path / "my_incidents.jsonl"
    incidents.write_text(
        '{"incident_id": "INC-1", "title": "Down", "severity": "SEV1", "status": "resolved", '
        '"started_at": "2024-05-01T09:00:00Z", "status_page_url": "https://x"}\n'
    )
    action_items = tmp_path / "my_action_items.json"
    action_items.write_text(
        '[{"action_item_id": "A1", "incident_id": "INC-1", "title": "Fix", "owner": "Ana"}]'
    )
    csv = tmp_path / "notes.csv"
    csv.write_text("incident_id,started_at\nINC-1,2024-05-01\n")
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    paths = (tickets, incidents, action_items, csv, empty_folder)
    assert [sources.detect(p) for p in paths] == [None] * 5
