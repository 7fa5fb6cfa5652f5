"""Jira adapter. There is no real Jira export in ../shared/realdata: the fixture
tests/fixtures/vendors/jira/search.json is written from the issue example of Atlassian's REST
reference (GET /rest/api/3/issue/{key}), as its README says. Expected values read off it by hand.
"""

from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import jira

SEARCH = Path(__file__).parent / "fixtures" / "vendors" / "jira" / "search.json"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """The relation's rows as dicts, in file order."""
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def test_search_results_become_action_items() -> None:
    assert sources.detect(SEARCH) == (
        "jira",
        "JSON object with 'issues[]' having 'key' and 'fields' → Jira",
    )
    items = records(jira.read(duckdb.connect(), SEARCH, {})["action_items"])
    assert items[0] == {
        "_row": 1,
        "action_item_id": "OPS-101",
        "incident_id": "INC-12",  # label incident:INC-12
        "title": "Add retries to the payment client",
        "description": 'Retry 500s with "backoff".',  # two ADF text nodes
        "team": "engineering",  # label team:engineering, before the component Payments
        "owner": "Mia Krystof",
        "due_date": "2024-05-15",
        "completed_at": "2024-05-14T16:20:00.000+0000",
        "tags": '["incident:INC-12","team:engineering"]',
    }
    # OPS-102: no label; linked (outward) to INC-12 of type Incident. v2 plain description.
    assert (items[1]["incident_id"], items[1]["description"]) == (
        "INC-12",
        "Plain text from the v2 API.",
    )
    assert (items[1]["team"], items[1]["completed_at"]) == ("Support", None)
    # OPS-103: only the documented Dependent links (PR-2, PR-3: no issue type), but its parent
    # INC-13 is an Incident.
    assert items[2]["incident_id"] == "INC-13"
    # OPS-104: nothing names an incident; the loader rejects it with "required value is empty".
    assert items[3]["incident_id"] is None


def test_link_field_custom_field_and_label_prefix() -> None:
    by_field = records(
        jira.read(duckdb.connect(), SEARCH, {"link_field": "customfield_10050"})["action_items"]
    )
    # customfield_10050 = INC-14 on OPS-104; the others keep the default rules.
    assert [i["incident_id"] for i in by_field] == ["INC-12", "INC-12", "INC-13", "INC-14"]
    by_label = records(jira.read(duckdb.connect(), SEARCH, {"link_field": "team:"})["action_items"])
    # A prefix of our own choosing: OPS-101 has team:engineering, so "engineering" wins.
    assert [i["incident_id"] for i in by_label] == ["engineering", "INC-12", "INC-13", None]


def test_a_link_field_meant_for_zendesk_changes_nothing() -> None:
    # One --link-field serves every source: a Zendesk field id matches no Jira label.
    items = records(jira.read(duckdb.connect(), SEARCH, {"link_field": "360001"})["action_items"])
    assert [i["incident_id"] for i in items] == ["INC-12", "INC-12", "INC-13", None]


def test_single_issue_file(tmp_path: Path) -> None:
    path = tmp_path / "issue.json"
    path.write_text(
        '{"id": "10002", "key": "ED-1", "self": "https://x/rest/api/3/issue/10002", '
        '"fields": {"summary": "Fix it", "labels": ["incident:INC-3"], "duedate": null}}'
    )
    assert sources.detect(path) == ("jira", "JSON issue having 'key' and 'fields' → Jira")
    [item] = records(jira.read(duckdb.connect(), path, {})["action_items"])
    assert (item["action_item_id"], item["incident_id"], item["title"]) == (
        "ED-1",
        "INC-3",
        "Fix it",
    )
