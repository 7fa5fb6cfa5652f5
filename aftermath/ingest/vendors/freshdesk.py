"""Freshdesk tickets → tickets.

Reads the ticket CSV the web app exports (Tickets → Export: `Ticket ID`, `Created time`,
`Resolved time`, ...) and the API's `GET /api/v2/tickets?include=stats` (a JSON array of
tickets, pages as JSON lines are fine). See freshdesk.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "freshdesk"
FEEDS = ("tickets",)
EXPECTED = (
    "Freshdesk tickets: the ticket export CSV (Ticket ID, Created time, ...) or the JSON of "
    "GET /api/v2/tickets (tickets with 'requester_id' and 'fr_due_by')"
)
TICKETS = common.Layout(NAME, EXPECTED, markers=("fr_due_by",))

# The shapes a Freshdesk export comes in, tried in order (common.detect).
SHAPES = (
    common.mark("JSON tickets having 'requester_id' and 'fr_due_by'", "requester_id", "fr_due_by"),
)
CSV_MARKS = (downloads.header_mark("Ticket ID", "Created time"),)
CSV_COLUMNS = downloads.Columns(
    {
        "ticket_id": ("ticket id",),
        "created_at": ("created time",),
        "account_id": ("company name", "company id", "contact id", "email"),
        "subject": ("subject",),
        "description": ("description",),
        "tags": ("tags",),
        "channel": ("source",),
        "priority": ("priority",),
        "solved_at": ("resolved time", "closed time"),
    },
    times=("created_at", "solved_at"),
    lists={"tags": ","},  # `billing, double charge`
)

# The API's numbered source and priority, as the web app names them.
SOURCE_SQL = (
    "case rec ->> 'source' when '1' then 'email' when '2' then 'portal' when '3' then 'phone' "
    "when '7' then 'chat' when '9' then 'feedback widget' when '10' then 'outbound email' end"
)
PRIORITY_SQL = (
    "case rec ->> 'priority' when '1' then 'low' when '2' then 'medium' when '3' then 'high' "
    "when '4' then 'urgent' end"
)


def detect(path: Path) -> str | None:
    """Why this file is a Freshdesk export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The tickets table, with `_row` = the ticket's position in the file. --link-field names
    the column (CSV: `Incident`) or custom field (API: `cf_incident`) of the incident
    reference, or a tag prefix."""
    link_field = options.get("link_field", "")
    if downloads.is_csv(path):
        return {
            "tickets": downloads.tickets(con, path, NAME, CSV_MARKS, EXPECTED, CSV_COLUMNS, options)
        }
    recs = TICKETS.records(con, path)
    params = {"field": link_field}
    tag = (
        "substr(list_filter(json_extract_string(rec, '$.tags[*]'), "
        "lambda t: starts_with(t, $field::varchar))[1], length($field::varchar) + 1)"
    )
    linked = f"coalesce(json_extract_string(rec -> 'custom_fields', $field::varchar), {tag})"
    tickets = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as ticket_id,
            rec ->> 'created_at' as created_at,
            coalesce(rec ->> 'company_id', rec ->> 'requester_id') as account_id,
            rec ->> 'subject' as subject,
            coalesce(rec ->> 'description_text', rec ->> 'description') as description,
            rec -> 'tags' as tags,
            {SOURCE_SQL} as channel,
            {PRIORITY_SQL} as priority,
            coalesce(
                rec ->> '$.stats.resolved_at',
                rec ->> '$.stats.closed_at',
                case when (rec ->> 'status') in ('4', '5') then rec ->> 'updated_at' end
            ) as solved_at,
            case when $field::varchar <> '' then nullif(trim({linked}), '') end as incident_id
        from {recs.table}
        """,
        params,
    )
    return {"tickets": tickets}
