"""Jira issues (postmortem follow-ups) → action_items.

Reads the search API's `{"issues": [...]}` (`GET /rest/api/3/search/jql`, v2 or v3, pages as
JSON lines are fine), a JSON array of issues, or one issue (`GET /rest/api/3/issue/{key}`).
Which incident an issue follows up is, first match wins: the `--link-field` custom field
(`customfield_NNNNN`) or label prefix, a label `incident:<id>`, a linked issue or the parent of
type Incident. See jira.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common

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


def detect(path: Path) -> str | None:
    """Why this file is a Jira issues export, or None."""
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
