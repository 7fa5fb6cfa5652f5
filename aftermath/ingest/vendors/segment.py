"""Segment calls → usage.

Reads Segment's raw messages (the S3 or webhook destination's JSON lines, or a JSON array):
`track`, `page` and `screen` calls are usage; a `group` call ties its user to an account
(`groupId`), which the user's events without an account of their own then take. See segment.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import analytics, common

NAME = "segment"
FEEDS = ("usage",)
EXPECTED = (
    "Segment messages: JSON lines of calls, each with 'type' (track, page, group, ...), "
    "'messageId' and 'timestamp'"
)
CALLS = common.Layout(NAME, EXPECTED, lists=("batch",), markers=("messageId",), needs=("type",))
SHAPES = (
    common.mark(
        "JSON calls having 'type', 'messageId' and 'timestamp'", "type", "messageId", "timestamp"
    ),
    common.mark(
        "JSON object with 'batch[]' of calls having 'type' and 'messageId'",
        batch=("type", "messageId"),
    ),
)
USAGE_CALLS = ("track", "page", "screen")


def detect(path: Path) -> str | None:
    """Why this file is a Segment export, or None."""
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The usage table: one row per track/page/screen call naming an account."""
    recs = CALLS.records(con, path)
    params: dict[str, str] = {}
    # Without --account-property: the call's own group, a property of a usual name, then the
    # group its user joined.
    own_group = analytics.first_value("rec", ["$.context.groupId", "$.groupId"], params, "group")
    account = analytics.account(
        options,
        params,
        ("$.properties", "$.context.traits", "$.traits"),
        first=(own_group,),
        then=("member.group_id",),
    )
    feature = analytics.feature(
        options,
        params,
        ("$.properties",),
        "coalesce(rec ->> 'event', rec ->> 'name', rec ->> 'type')",
    )
    usage_calls = ", ".join(f"'{c}'" for c in USAGE_CALLS)
    events = f"""
        select _row, {account} as account_id, {feature} as feature, rec ->> 'timestamp' as ts
        from {recs.table}
        left join (
            -- Each user's account: the groupId of their latest group call.
            select
                rec ->> 'userId' as user_id,
                arg_max(rec ->> 'groupId', try_cast(rec ->> 'timestamp' as timestamptz))
                    as group_id
            from {recs.table}
            where lower(rec ->> 'type') = 'group' and (rec ->> 'userId') is not null
            group by all
        ) as member on member.user_id = (rec ->> 'userId')
        where lower(rec ->> 'type') in ({usage_calls})
    """
    label = common.label(path, NAME)
    others = con.execute(
        f"select count(*) from {recs.table} where lower(rec ->> 'type') not in ({usage_calls})"
    ).fetchall()[0][0]
    if others:
        common.note(
            con,
            f"{label}: {others:,} calls other than track, page and screen (group, identify, "
            "...) are not usage: group calls give their user's account",
        )
    account_property = options.get("account_property", "")
    return {"usage": analytics.usage(con, NAME, label, events, params, account_property)}
