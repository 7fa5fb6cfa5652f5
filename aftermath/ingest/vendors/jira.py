"""Jira issues (postmortem follow-ups) → action_items.

Reads the search API's `{"issues": [...]}` (`GET /rest/api/3/search/jql`, v2 or v3, pages as
JSON lines are fine), a JSON array of issues, one issue (`GET /rest/api/3/issue/{key}`), and
the issue navigator's "Export CSV" (localised dates, one `Labels` column per label).
Which incident an issue follows up is, first match wins: the `--link-field` custom field
(`customfield_NNNNN`) or label prefix, a label `incident:<id>`, a linked issue or the parent of
type Incident. See jira.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "jira"
FEEDS = ("action_items",)
EXPECTED = (
    'Jira issues as JSON: {"issues": [...]} from GET /rest/api/3/search/jql, or one issue '
    "from GET /rest/api/3/issue/KEY"
)
DEFAULT_LABEL_PREFIX = "incident:"
# Where the export keeps each kind of record it holds (common.Layout).
ISSUES = common.Layout(NAME, EXPECTED, lists=("issues",), markers=("fields",))

# Atlassian Document Format (v3) keeps text in "text" nodes; v2 gives a plain string.
ADF_TEXT_SQL = """
case json_type(rec, '$.fields.description')
    when 'VARCHAR' then rec ->> '$.fields.description'
    when 'OBJECT' then nullif(trim(regexp_replace(array_to_string(list_transform(
        regexp_extract_all((rec -> '$.fields.description')::varchar,
            '"text":"((?:[^"\\\\]|\\\\.)*)"', 1),
        lambda s: json('"' || s || '"') ->> '$'), ' '), '\\s+', ' ', 'g')), '')
end
"""

# A linked issue (either direction) or the parent, when its type is Incident.
INCIDENT_ISSUE_SQL = """
list_filter(
    list_transform(json_extract(rec, '$.fields.issuelinks[*]'),
        lambda l: coalesce(l -> 'inwardIssue', l -> 'outwardIssue'))
        || [rec -> '$.fields.parent'],
    lambda i: lower(i ->> '$.fields.issuetype.name') = 'incident')[1] ->> 'key'
"""


# The shapes a Jira issues export comes in, tried in order (common.detect).
SHAPES = (
    common.mark("JSON object with 'issues[]' having 'key' and 'fields'", issues=("key", "fields")),
    common.mark("JSON issue having 'key' and 'fields'", "key", "fields"),
)


# "Export CSV (all fields)" or "(current fields)": the columns as the navigator names them.
CSV_MARKS = (downloads.header_mark("Summary", "Issue key"),)
CSV_EXPECTED = "Jira's Export CSV with the columns Summary and Issue key"
CSV_COLUMNS = downloads.Columns(
    {
        "action_item_id": ("issue key",),
        "title": ("summary",),
        "description": ("description",),
        "owner": ("assignee",),
        "due_date": ("due date", "due"),
        "completed_at": ("resolved", "resolution date"),
    },
    times=("due_date", "completed_at"),
)


def detect(path: Path) -> str | None:
    """Why this file is a Jira issues export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    return common.detect(path, NAME, SHAPES)


def _label(prefix_param: str) -> str:
    """SQL: the rest of the first label starting with the bound prefix (case-insensitive)."""
    return (
        f"substr(list_filter(json_extract_string(rec, '$.fields.labels[*]'), "
        f"lambda t: starts_with(lower(t), lower({prefix_param})))[1], "
        f"length({prefix_param}) + 1)"
    )


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The action_items table, with `_row` = the issue's position in the file."""
    if downloads.is_csv(path):
        return {"action_items": _download(con, path, options)}
    recs = ISSUES.records(con, path)
    # Search pages say `total` (v2 and v3 search) or `isLast` (the newer /search/jql).
    common.warn_if_more_pages(
        con,
        path,
        NAME,
        "case when try_cast(json ->> 'isLast' as boolean) is not null "
        "then not try_cast(json ->> 'isLast' as boolean) "
        "when try_cast(json ->> 'total' as bigint) is not null "
        "then try_cast(json ->> 'total' as bigint) > coalesce(try_cast(json ->> 'startAt' as "
        "bigint), 0) + coalesce(json_array_length(json -> 'issues'), 0) end",
        "'total' above the issues given, or 'isLast': false",
    )
    # One --link-field serves every source: a value meant for another tool (a Zendesk field
    # id, say) matches nothing here, and the default label and link rules still apply.
    link_field = options.get("link_field", "")
    is_field = link_field.startswith("customfield_")
    params = {
        "prefix": link_field if link_field and not is_field else DEFAULT_LABEL_PREFIX,
        "default_prefix": DEFAULT_LABEL_PREFIX,
    }
    field_value = "null"
    if is_field:
        params["field"] = f'$.fields."{link_field}"'
        field_value = (
            "coalesce(json_extract(rec, $field::varchar) ->> 'value', "
            "json_extract(rec, $field::varchar) ->> '$')"
        )
    action_items = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'key' as action_item_id,
            coalesce(
                {field_value},
                {_label("$prefix::varchar")},
                {_label("$default_prefix::varchar")},
                {INCIDENT_ISSUE_SQL}
            ) as incident_id,
            rec ->> '$.fields.summary' as title,
            {ADF_TEXT_SQL} as description,
            coalesce({_label("'team:'")}, rec ->> '$.fields.components[0].name') as team,
            coalesce(
                rec ->> '$.fields.assignee.displayName',
                rec ->> '$.fields.assignee.emailAddress'
            ) as owner,
            rec ->> '$.fields.duedate' as due_date,
            rec ->> '$.fields.resolutiondate' as completed_at,
            rec -> '$.fields.labels' as tags
        from {recs.table}
        """,
        params,
    )
    return {"action_items": action_items}


def _download(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> duckdb.DuckDBPyRelation:
    """The action items of an Export CSV: every `Labels` column is one label; the incident is
    the --link-field column (`Custom field (Incident)`) or label prefix, else `incident:<id>`."""
    downloads.check(path, NAME, CSV_MARKS, CSV_EXPECTED)
    download = downloads.read(con, path, NAME)
    labels = f"list_filter([{', '.join(download.repeated('labels')) or 'null'}], lambda x: x is not null)"
    linked, params = downloads.link(
        download, options.get("link_field", ""), labels, DEFAULT_LABEL_PREFIX
    )
    team_label = f"substr(list_filter({labels}, lambda t: starts_with(lower(t), 'team:'))[1], 6)"
    computed = {
        "incident_id": linked,
        "team": f"coalesce(nullif({team_label}, ''), {download.text('component/s', 'components')})",
        "tags": f"to_json(nullif({labels}, []))",
    }
    return con.table(downloads.mapped(con, download, CSV_COLUMNS, options, NAME, computed, params))
