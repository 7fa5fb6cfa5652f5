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


def first_group(path: str) -> str:
    """SQL: the first non-empty value of the groups object at `path` (a fixed JSON path), whatever
    its group type; a list's first element (Amplitude allows several names)."""
    return (
        f"list_filter(list_transform(json_extract(rec, '{path}.*'), lambda g: "
        "nullif(trim(case json_type(g) when 'ARRAY' then g ->> 0 else g ->> '$' end), '')), "
        "lambda v: v is not null)[1]"
    )


def account(
    options: dict[str, str],
    params: dict[str, str],
    objects: tuple[str, ...],
    first: tuple[str, ...] = (),
    then: tuple[str, ...] = (),
    named_in: tuple[str, ...] | None = None,
) -> str:
    """SQL: an event's account. The property --account-property names, in `objects`; without
    it the `first` SQL values, then a property of a usual name in `named_in` (default
    `objects`), then the `then` SQL values."""
    name = options.get("account_property", "")
    if name:
        return first_value("rec", property_paths(objects, name), params, "account")
    paths = [p for n in ACCOUNT_PROPERTIES for p in property_paths(named_in or objects, n)]
    named = first_value("rec", paths, params, "account")
    return f"coalesce({', '.join((*first, named, *then))})"


def feature(
    options: dict[str, str], params: dict[str, str], objects: tuple[str, ...], default: str
) -> str:
    """SQL: an event's feature: the property --feature-property names, else `default`."""
    name = options.get("feature_property", "")
    if not name:
        return default
    return f"coalesce({first_value('rec', property_paths(objects, name), params, 'feature')}, {default})"


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
