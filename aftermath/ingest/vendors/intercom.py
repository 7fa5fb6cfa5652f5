"""Intercom conversations and tickets → tickets, ticket_events, incidents (tracker tickets).

Reads `GET /conversations/{id}` and `GET /tickets/{id}` responses (one object per file, a JSON
array, or JSON lines) and the list/search responses (`{"conversations": [...]}`,
`{"tickets": [...]}`), and the conversations CSV of its reports. A customer conversation or
ticket linked to a tracker ticket (`linked_objects`) is linked to that incident; tracker tickets
are the incident records.
See intercom.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "intercom"
FEEDS = ("tickets", "ticket_events", "incidents")
EXPECTED = (
    "an Intercom export: conversation or ticket objects from GET /conversations/ID or "
    'GET /tickets/ID, or {"conversations": [...]} / {"tickets": [...]} from the list and '
    "search endpoints"
)
MARKS = ("conversation_parts", "ticket_parts", "ticket_attributes")
# Where the export keeps each kind of record it holds (common.Layout).
CONVERSATIONS = common.Layout(
    NAME, EXPECTED, lists=("conversations", "tickets"), markers=MARKS, needs=(*MARKS, "source")
)

# Intercom authors: users and leads are the customers; bots and workflows are the system.
ROLE_SQL = """
case p ->> '$.author.type'
    when 'user' then 'customer'
    when 'lead' then 'customer'
    when 'contact' then 'customer'
    when 'admin' then 'agent'
    when 'team' then 'agent'
    when 'bot' then 'system'
end
"""


# The shapes an Intercom export comes in, tried in order (common.detect).
SHAPES = (
    *(common.mark("JSON with 'conversation_parts' or 'ticket_attributes'", m) for m in MARKS),
    common.mark(
        "JSON object with 'conversations[]' having 'source' and 'contacts'",
        conversations=("source", "contacts"),
    ),
    common.mark(
        "JSON object with 'tickets[]' having 'ticket_attributes'", tickets=("ticket_attributes",)
    ),
)


# The conversations CSV of Intercom's reports (Reports → Conversations → Export CSV).
CSV_MARKS = (
    downloads.header_mark("Conversation ID", "Conversation started at"),
    downloads.header_mark("Conversation ID", "Created at"),
)
CSV_EXPECTED = (
    "Intercom's conversations CSV with the columns Conversation ID and Conversation started at"
)
CSV_COLUMNS = downloads.Columns(
    {
        "ticket_id": ("conversation id",),
        "created_at": ("conversation started at", "created at"),
        "account_id": ("company id", "company name", "user id", "email"),
        "subject": ("conversation title", "title", "subject"),
        "description": ("first message", "conversation first message", "initial message"),
        "tags": ("conversation tags", "tags"),
        "channel": ("channel", "started via", "conversation started via"),
        "priority": ("priority",),
        "solved_at": ("conversation last closed at", "last closed at", "closed at"),
    },
    times=("created_at", "solved_at"),
    lists={"tags": "[,;]"},
)


def detect(path: Path) -> str | None:
    """Why this file is an Intercom export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The contract tables this export feeds, each with `_row` = the record's position."""
    if downloads.is_csv(path):
        return {
            "tickets": downloads.tickets(
                con, path, NAME, CSV_MARKS, CSV_EXPECTED, CSV_COLUMNS, options
            )
        }
    recs = CONVERSATIONS.records(con, path)
    # `pages.next` names the next page of a list or search response (null on the last).
    common.warn_if_more_pages(
        con,
        path,
        NAME,
        "case when json_exists(json, '$.pages') then (json ->> '$.pages.next') is not null end",
        "'pages.next'",
    )
    link_field = options.get("link_field", "")
    created_at = common.iso_from_epoch("rec ->> 'created_at'")
    closed_at = common.iso_from_epoch("rec ->> '$.statistics.last_close_at'")
    updated_at = common.iso_from_epoch("rec ->> 'updated_at'")
    description = common.strip_html(
        "coalesce(rec ->> '$.source.body', rec ->> '$.ticket_attributes._default_description_')"
    )
    tracker_link = (
        "list_filter(json_extract(rec, '$.linked_objects.data[*]'), "
        "lambda o: (o ->> 'type') = 'ticket' and coalesce(o ->> 'category', 'Tracker') = 'Tracker')"
        "[1] ->> 'id'"
    )
    custom_link = "rec -> 'custom_attributes' ->> $field::varchar" if link_field else "null"
    # Every record's fields in one pass over the JSON; the three tables select from it.
    fields = common.stage(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as ticket_id,
            {created_at} as created_at,
            coalesce(
                rec ->> '$.contacts.contacts[0].external_id',
                rec ->> '$.contacts.contacts[0].id'
            ) as account_id,
            coalesce(
                rec ->> 'title',
                nullif(rec ->> '$.source.subject', ''),
                rec ->> '$.ticket_attributes._default_title_'
            ) as subject,
            {description} as description,
            to_json(json_extract_string(rec, '$.tags.tags[*].name')) as tags,
            coalesce(rec ->> '$.source.type', case when (rec ->> 'type') = 'ticket' then 'ticket' end)
                as channel,
            case rec ->> 'priority' when 'priority' then 'high' when 'not_priority' then 'normal'
                end as priority,
            case
                when coalesce(rec ->> '$.ticket_state.category', rec ->> 'ticket_state',
                    rec ->> 'state') in ('closed', 'resolved')
                then coalesce({closed_at}, {updated_at})
            end as solved_at,
            coalesce(({custom_link})::varchar, {tracker_link}) as incident_id,
            coalesce(coalesce(rec ->> '$.ticket_type.category', rec ->> 'category') = 'Tracker',
                false) as is_tracker,
            json_extract(rec, '$.conversation_parts.conversation_parts[*]')
                || json_extract(rec, '$.ticket_parts.ticket_parts[*]') as parts
        from {recs.table}
        """,
        {"field": link_field} if link_field else {},
    )
    # A tracker ticket is the incident; the others are what customers raised.
    tickets, incidents = common.split_help_desk_tickets(con, fields, "is_tracker")
    part_at = common.iso_from_epoch("p ->> 'created_at'")
    part_body = common.strip_html("p ->> 'body'")
    events = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            ticket_id,
            {part_at} as created_at,
            {ROLE_SQL} as author_role,
            {part_body} as body
        from (select _row, ticket_id, unnest(parts) as p from {fields})
        where nullif(trim(p ->> 'body'), '') is not null
        """,
    )
    return {"tickets": tickets, "ticket_events": events, "incidents": incidents}
