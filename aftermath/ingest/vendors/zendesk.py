"""Zendesk Support tickets and comments → tickets, ticket_events, incidents (problem tickets).

Reads the tickets API (`{"tickets": [...]}`, `{"ticket": {...}}`), the incremental ticket
export, search results, comments (`{"comments": [...]}`, one file per ticket), ticket audits
(`{"audits": [...]}`), the incremental ticket events with their comments
(`{"ticket_events": [...]}`, what `aftermath pull zendesk` keeps), and the CSV downloads of
tickets (Reporting's ticket export and a view's export, known by their header row). A ticket of
type `problem` is an incident record; an `incident` ticket
names its problem in `problem_id`, or the reference lives in a custom field or a tag named by
`--link-field`. See zendesk.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "zendesk"
FEEDS = ("tickets", "ticket_events", "incidents")
EXPECTED = (
    'a Zendesk export: {"tickets": [...]} from /api/v2/tickets.json or '
    '/api/v2/incremental/tickets.json, {"comments": [...]} from '
    '/api/v2/tickets/ID/comments.json, or {"audits": [...]}'
)
# Where the export keeps each kind of record it holds (common.Layout).
TICKETS = common.Layout(
    NAME,
    EXPECTED,
    lists=("tickets", "results"),
    singles=("ticket",),
    markers=("requester_id",),
    needs=("requester_id", "via"),
    sideloads=("metric_sets",),
)
COMMENTS = common.Layout(
    NAME,
    EXPECTED,
    lists=("comments",),
    singles=("comment",),
    markers=("author_id",),
    sideloads=("users",),
)
AUDITS = common.Layout(
    NAME, EXPECTED, lists=("audits",), singles=("audit",), markers=("events",), sideloads=("users",)
)
TICKET_EVENTS = common.Layout(
    NAME, EXPECTED, lists=("ticket_events",), markers=("child_events",), sideloads=("users",)
)

PRIORITY_LEVEL_SQL = (
    "case lower(rec ->> 'priority') when 'urgent' then 1 when 'high' then 2 "
    "when 'normal' then 3 when 'low' then 4 end"
)


# A list page names the next one in `next_page`; an incremental export says `end_of_stream`
# (false = more to fetch from `after_url`); cursor pagination says `meta.has_more`.
MORE_PAGES_SQL = """
case
    when try_cast(json ->> 'end_of_stream' as boolean) is not null
        then not try_cast(json ->> 'end_of_stream' as boolean)
    when try_cast(json ->> '$.meta.has_more' as boolean) is not null
        then try_cast(json ->> '$.meta.has_more' as boolean)
    when json_type(json) = 'OBJECT' and json_exists(json, '$.next_page')
        then (json ->> 'next_page') is not null
end
"""
MORE_PAGES = "'next_page', or 'after_url' with 'end_of_stream': false"


def _kind(found: common.Shape | None) -> str | None:
    if found is None:
        return None
    if {"requester_id", "via"} & found.under("tickets") or "requester_id" in found.under("ticket"):
        return "tickets"
    if "requester_id" in found.under("results") or {"requester_id", "via"} <= found.top:
        return "tickets"
    if "author_id" in found.under("comments") or {"author_id", "body", "public"} <= found.top:
        return "comments"
    if {"ticket_id", "events"} <= (found.under("audits") | found.under("audit")):
        return "audits"
    if {"ticket_id", "child_events"} <= found.under("ticket_events"):
        return "ticket_events"
    return None


# The CSV downloads: the ticket export (`Id`, `Requester`, `Created at`, `Solved at`, ...) and a
# view's export (its columns as the view shows them: `ID`, `Requester`, `Requested`, ...).
CSV_MARKS = (
    downloads.header_mark("Id", "Requester", "Created at"),
    downloads.header_mark("ID", "Requester", "Requested"),
)
CSV_EXPECTED = "a Zendesk ticket CSV with the columns Id, Requester and Created at (or Requested)"
CSV_COLUMNS = downloads.Columns(
    {
        "ticket_id": ("id", "ticket id"),
        "created_at": ("created at", "requested", "created"),
        "account_id": ("organization", "requester organization"),
        "subject": ("subject",),
        "description": ("description",),
        "tags": ("tags",),
        "channel": ("via", "channel"),
        "priority": ("priority",),
        "solved_at": ("solved at", "solved"),
    },
    times=("created_at", "solved_at"),
    lists={"tags": "[ ,]+"},  # Zendesk tags hold no spaces: the export separates them by one
)


def detect(path: Path) -> str | None:
    """Why this file is a Zendesk export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    found = common.shape(path)
    why = {
        "tickets": "JSON with tickets having 'requester_id' and 'via'",
        "comments": "JSON with comments having 'author_id' and 'public'",
        "audits": "JSON with ticket audits having 'ticket_id' and 'events'",
        "ticket_events": "JSON with ticket events having 'ticket_id' and 'child_events'",
    }.get(_kind(found) or "")
    return f"{why} → Zendesk" if why else None


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The contract tables this export feeds, each with `_row` = the record's position."""
    if downloads.is_csv(path):
        # --link-field: the column of the incident reference (a custom field's title:
        # `Incident` finds `Incident [txt]`) or a tag prefix.
        return {
            "tickets": downloads.tickets(
                con, path, NAME, CSV_MARKS, CSV_EXPECTED, CSV_COLUMNS, options
            )
        }
    kind = _kind(common.shape(path)) or "tickets"
    if kind in COMMENT_ROWS:
        return {"ticket_events": _comment_events(con, path, kind)}
    tables = _tickets(con, path, options.get("link_field", ""))
    common.warn_if_more_pages(con, path, NAME, MORE_PAGES_SQL, MORE_PAGES)
    return tables


def _tickets(
    con: duckdb.DuckDBPyConnection, path: Path, link_field: str
) -> dict[str, duckdb.DuckDBPyRelation]:
    recs = TICKETS.records(con, path)
    linked, params = _link_sql(link_field)
    # Every ticket's fields in one pass over the JSON; the three tables select from it.
    fields = common.stage(
        con,
        NAME,
        f"""
        select
            t._row,
            rec ->> 'id' as ticket_id,
            rec ->> 'created_at' as created_at,
            coalesce(rec ->> 'organization_id', rec ->> 'requester_id') as account_id,
            coalesce(rec ->> 'subject', rec ->> 'raw_subject') as subject,
            rec ->> 'description' as description,
            rec -> 'tags' as tags,
            rec ->> '$.via.channel' as channel,
            rec ->> 'priority' as priority,
            {PRIORITY_LEVEL_SQL} as priority_level,
            coalesce(
                rec ->> '$.metric_set.solved_at',
                m.solved_at,
                case when (rec ->> 'status') in ('solved', 'closed') then rec ->> 'updated_at' end
            ) as solved_at,
            nullif(trim(coalesce(({linked})::varchar, rec ->> 'problem_id')), '') as incident_id,
            coalesce(lower(rec ->> 'type') = 'problem', false) as is_problem,
            rec ->> 'requester_id' as requester_id,
            json_extract(rec, '$.comments[*]') as comments
        from {recs.table} as t
        left join (
            select rec ->> 'ticket_id' as ticket_id, any_value(rec ->> 'solved_at') as solved_at
            from {recs.sideloads["metric_sets"]}
            group by all
        ) as m on m.ticket_id = (t.rec ->> 'id')
        where coalesce(rec ->> 'result_type', 'ticket') = 'ticket'
        """,
        params,
    )
    tickets, incidents = common.split_help_desk_tickets(con, fields, "is_problem", "priority_level")
    # Full JSON exports embed each ticket's comments; the first one repeats the description.
    events = con.sql(
        f"""
        select
            _row,
            ticket_id,
            c ->> 'created_at' as created_at,
            case
                when (c ->> '$.via.channel') in ('rule', 'automation') then 'system'
                when (c ->> 'author_id') = requester_id then 'customer'
                else 'agent'
            end as author_role,
            coalesce(c ->> 'plain_body', c ->> 'body') as body
        from (select _row, ticket_id, requester_id, unnest(comments) as c from {fields})
        """
    )
    return {"tickets": tickets, "incidents": incidents, "ticket_events": events}


def _link_sql(link_field: str) -> tuple[str, dict[str, str]]:
    """SQL for the incident reference named by --link-field, and its bound parameter.

    Digits name a custom field (its value is the incident id); anything else is a tag prefix
    (the rest of the first tag that starts with it is the incident id).
    """
    if not link_field:
        return "null", {}
    if link_field.isdigit():
        sql = (
            "list_filter(json_extract(rec, '$.custom_fields[*]'), "
            "lambda f: (f ->> 'id') = $field::varchar)[1] ->> 'value'"
        )
    else:
        sql = (
            "substr(list_filter(json_extract_string(rec, '$.tags[*]'), "
            "lambda t: starts_with(t, $field::varchar))[1], length($field::varchar) + 1)"
        )
    return sql, {"field": link_field}


def _nested_comments(events: str, author: str) -> str:
    """SQL: the comments held among a record's events (`events`: an audit's `events`, a ticket
    event's `child_events`), with the event's own time, channel and author where it says them,
    else the record's (`author`: the record's field naming who made it, when it has one)."""
    return f"""
        select
            _row,
            _doc,
            ticket_id,
            coalesce(comment ->> 'created_at', created_at) as created_at,
            coalesce(comment -> 'via', via) as via,
            coalesce(comment ->> 'author_id', author_id) as author_id,
            comment
        from (
            select
                _row,
                _doc,
                rec ->> 'ticket_id' as ticket_id,
                rec ->> 'created_at' as created_at,
                rec -> 'via' as via,
                {author} as author_id,
                unnest(json_extract(rec, '$.{events}[*]')) as comment
            from {{records}}
        )
        where 'Comment' in (comment ->> 'type', comment ->> 'event_type')
        """


# Each comment feed's comments as (_row, _doc, ticket_id, created_at, via, author_id, comment).
# The comments endpoint does not repeat the ticket id: it comes from the file name (12345.json,
# ticket_12345_comments.json) unless the record carries one. An audit holds its comment among
# its events, an incremental ticket event among its child events.
COMMENT_ROWS = {
    "comments": """
        select
            _row,
            _doc,
            coalesce(
                rec ->> 'ticket_id',
                nullif(regexp_extract(parse_filename(_file, true), '(\\d+)', 1), '')
            ) as ticket_id,
            rec ->> 'created_at' as created_at,
            rec -> 'via' as via,
            rec ->> 'author_id' as author_id,
            rec as comment
        from {records}
        """,
    "audits": _nested_comments("events", "null"),
    "ticket_events": _nested_comments("child_events", "rec ->> 'updater_id'"),
}

COMMENT_LAYOUTS = {"comments": COMMENTS, "audits": AUDITS, "ticket_events": TICKET_EVENTS}


def _comment_events(
    con: duckdb.DuckDBPyConnection, path: Path, kind: str
) -> duckdb.DuckDBPyRelation:
    """ticket_events from a comments, audits or ticket events export; Zendesk end-users are the
    customers. A user id is one user across the export, so roles join on the id alone."""
    recs = COMMENT_LAYOUTS[kind].records(con, path)
    return common.materialize(
        con,
        NAME,
        f"""
        select
            c._row,
            c.ticket_id,
            c.created_at,
            case
                when lower(coalesce(c.via ->> '$.channel', c.via ->> '$')) in ('rule', 'automation')
                    then 'system'
                when u.role = 'end-user' then 'customer'
                when u.role in ('agent', 'admin') then 'agent'
                when (c.comment ->> 'public') = 'false' then 'agent'
            end as author_role,
            coalesce(c.comment ->> 'plain_body', c.comment ->> 'body') as body
        from ({COMMENT_ROWS[kind].format(records=recs.table)}) as c
        left join (
            select rec ->> 'id' as user_id, any_value(rec ->> 'role') as role
            from {recs.sideloads["users"]}
            group by all
        ) as u on u.user_id = c.author_id
        """,
    )
