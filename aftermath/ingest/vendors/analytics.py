"""What the product-analytics adapters share: raw events become `usage` rows (account, feature,
time; one each, rolled up per day by the loader), the account and the feature found where the
user says (`--account-property`, `--feature-property`) or where each tool keeps them by default,
and the events that name no account counted in the load report.
"""

import duckdb

from aftermath.ingest.vendors import common

# Property names an event's account is looked for under when --account-property names none.
ACCOUNT_PROPERTIES = ("account_id", "company_id", "organization_id", "org_id", "group_id")


def property_paths(objects: tuple[str, ...], name: str) -> list[str]:
    """JSON paths of the property `name` inside each of `objects` (paths such as
    `$.properties`), for `json_extract_string` with the path bound, never spliced."""
    key = name.replace('"', '\\"')
    return [f'{obj}."{key}"' for obj in objects]


def first_value(rec: str, paths: list[str], params: dict[str, str], prefix: str) -> str:
    """SQL: the first non-empty value of `rec` at `paths` (bound as parameters `prefix`N; a
    list's first element when the value is a list, as Amplitude's groups are)."""
    found = []
    for n, path in enumerate(paths):
        params[f"{prefix}{n}"] = path
        value = f"json_extract({rec}, ${prefix}{n}::varchar)"
        found.append(
            f"nullif(trim(case json_type({value}) when 'ARRAY' then {value} ->> 0 "
            f"else {value} ->> '$' end), '')"
        )
    return f"coalesce({', '.join(found)})" if found else "null::varchar"


def usage(
    con: duckdb.DuckDBPyConnection,
    source: str,
    label: str,
    events: str,
    params: dict[str, str],
    account_property: str,
) -> duckdb.DuckDBPyRelation:
    """The usage rows of `events` (SQL with `_row`, account_id, feature, ts): those naming an
    account; how many name none goes to the load report, with where the account was looked for."""
    staged = common.stage(con, source, events, params)
    anonymous, total = con.execute(
        f"select count(*) filter (where account_id is null), count(*) from {staged}"
    ).fetchall()[0]
    if anonymous:
        where = f"'{account_property}'" if account_property else "the tool's account fields"
        common.note(
            con,
            f"{label}: {anonymous:,} of {total:,} events name no account (looked for in "
            f"{where}): counted here, not in usage. Name where your events keep the account "
            "with --account-property.",
        )
    return con.sql(
        f"select _row, account_id, feature, ts, null::varchar as day, null::varchar as value "
        f"from {staged} where account_id is not null"
    )
