"""Generate a synthetic export folder of any size in the data contract's format.

    python benchmarks/generate.py [--scale 1.0] [--out benchmarks/data/scale-1] [--seed 1]

Scale 1 is a large SaaS company over two years: 100,000 accounts, 5 million tickets a year
(10 million) with subjects and descriptions, 2,000 incidents with their status updates,
postmortems and action items, about 5 million ticket comments, and daily usage per account and
feature (about 33 million rows). Accounts, tickets and incidents grow with the scale; the two
years stay two years. Tickets, comments and the small tables are CSV; usage is Parquet.

Every random choice is a hash of (salt, row number, seed) computed inside DuckDB, so the same
seed gives the same files and no row is built in a Python loop. A few rows are deliberately
invalid (unreadable timestamps), as in real exports, so the load's reject path is measured too.
"""

import argparse
import hashlib
import json
import shutil
import time
from pathlib import Path

import duckdb

FULL_SCALE = {"accounts": 100_000, "tickets": 10_000_000, "incidents": 2_000}
DAYS = 730
START = "2023-01-02"  # a Monday: weekends fall on day 5 and 6 of every week

SERVICES = [
    "api",
    "billing",
    "checkout",
    "dashboard",
    "login",
    "notifications",
    "reports",
    "search",
    "sync",
    "uploads",
]
# Product features in usage and the share of accounts that use each.
FEATURES = [
    ("dashboard", 0.9),
    ("reports", 0.5),
    ("search", 0.4),
    ("api", 0.3),
    ("billing", 0.3),
    ("uploads", 0.3),
    ("sync", 0.25),
    ("notifications", 0.2),
]
# Share of all accounts that write in about one incident, by declared severity 1..5.
TICKET_SHARE = [0.06, 0.02, 0.005, 0.001, 0.0002]

INCIDENT_TITLES = [
    "Elevated error rates on {service}",
    "{Service} degraded performance",
    "Partial outage of {service}",
    "{Service} unavailable for some customers",
    "Delayed {service} processing",
    "Increased latency in {service}",
    "{Service} requests failing in EU region",
    "Intermittent timeouts on {service}",
]
INCIDENT_SUBJECTS = [
    "{service} not working",
    "Errors on {service}",
    "Is {service} down?",
    "Cannot access {service}",
    "{service} very slow today",
    "Urgent: {service} failing",
    "Timeouts when using {service}",
    "{service} keeps giving an error",
    "Problem with {service} since this morning",
    "{service} outage?",
]
INCIDENT_BODIES = [
    "Since about an hour {service} returns an error every time we try.",
    "Our team cannot use {service}, the requests time out after a minute.",
    "We keep getting a 500 error when we open {service}.",
    "{service} is extremely slow and most pages never finish loading.",
    "Nothing happens when we submit in {service}, the spinner just keeps going.",
    "Several of my colleagues report that {service} is failing for them too.",
    "The {service} integration stopped syncing our records.",
    "We see failed requests on {service} in our logs since 10:00.",
]
# "tag|subject|body": the tag is the ticket's topic; about a third name a product area.
BACKGROUND = [
    "how-to|How do I add a new user?|We hired two people and cannot find where to invite them.",
    "how-to|Question about {service} settings|Could you explain how to configure {service} for our team?",
    "how-to|Where can I find the {service} export?|We need last quarter's data from {service} for an audit.",
    "billing-question|Invoice address change|Please update the billing address on our next invoice.",
    "billing-question|Question about our last invoice|The last invoice shows more seats than we use.",
    "billing-question|Upgrade our plan|We would like to move to the annual plan from next month.",
    "bug|Wrong totals in {service}|The totals in {service} do not match what we expected for last month.",
    "bug|Wrong date on exported records|Dates are one day off for our users in Asia.",
    "bug|Save button missing|After the last release the save button is gone.",
    "feature-request|Feature request: bulk edit in {service}|Editing records one by one in {service} takes our team hours.",
    "feature-request|Support CSV import?|We would like to import our old records from our previous tool.",
    "login-issue|Password reset email not arriving|A colleague requested a reset link three times and got nothing.",
    "login-issue|Two-factor code rejected|The code from the authenticator app is rejected for one user.",
    "integration|Webhook setup for {service}|Our developer wants to receive {service} events on our server.",
    "integration|API key rotation|How do we rotate the API key without breaking our integration?",
    "data-missing|Some records missing|A few records we created yesterday are not there anymore.",
]
GREETINGS = ["Hi,", "Hello,", "Hi team,", "Good morning,", "Dear support,", "Hey,"]
FILLERS = [
    "We are on the Business plan with about forty users.",
    "This affects several people in our finance team.",
    "I attached a screenshot of what we see.",
    "We use Chrome on Windows and Safari on Mac.",
    "Nothing changed on our side recently as far as I know.",
    "It worked fine last week.",
    "Our account manager said to write here.",
    "Happy to jump on a call if that helps.",
]
CLOSINGS = ["Thanks", "Thanks a lot", "Best regards", "Cheers", "Kind regards", "Thank you"]
# Sentences carrying the contract's signal phrases.
SIGNAL_SENTENCES = [
    "Not sure if the payment went through, did it go through?",
    "I am not sure if our changes were saved.",
    "We were charged twice for the same order.",
    "Is my data safe?",
    "We want a refund for the downtime.",
    "If this keeps happening we will cancel our subscription.",
    "We had to do it by hand in a spreadsheet.",
    "Our team is entering the orders manually for now.",
    "I paid with my personal card to get it done.",
    "We exported everything to keep working.",
    "Payroll has to go out today.",
    "We have a deadline this afternoon.",
    "The invoice due date is tomorrow.",
    "I have a client meeting in an hour and need this working.",
]
AGENT_REPLIES = [
    "Thanks for reaching out, we are looking into it.",
    "Our engineers are aware of the problem and working on a fix.",
    "Could you send us the exact time and a screenshot?",
    "This should be fixed now, could you try again?",
    "I have forwarded this to the product team.",
    "Here is the article that explains the setting.",
]
CUSTOMER_REPLIES = [
    "Still happening on our side.",
    "Thanks, it works again.",
    "Any update on this?",
    "The status page says resolved but we still see errors.",
    "Not sure if this is fixed, did it go through?",
    "We had to do it manually again today.",
    "Is my data safe after this?",
    "Thanks for the quick answer.",
]
SYSTEM_NOTES = ["Ticket solved automatically after 3 days.", "Ticket reopened by the customer."]
# In the order of the steps an incident goes through.
STATUS_BODIES = {
    "investigating": "We are investigating reports of problems with {service}.",
    "identified": "The cause has been identified and a fix is being implemented.",
    "monitoring": "A fix has been deployed and we are monitoring the results.",
    "resolved": "This incident has been resolved.",
}
ACTION_ITEMS = [
    "engineering|Add alerting on {service} error rate|Page on-call when errors exceed 1 %.|alerting",
    "engineering|Retry failed {service} requests idempotently|Stop customers being charged twice.|charged-twice;retry",
    "engineering|Load test {service} before releases|Catch the latency regression earlier.|performance",
    "support|Macro for {service} outage tickets|Tell customers what happened and whether to retry.|confusion;comms",
    "support|Link outage tickets to the incident|Customer success reviews every related ticket.|process",
    "product|Document the manual workaround for {service}|Customers exported data to a spreadsheet.|workaround",
    "product|Post status page updates every 30 minutes|Customers wrote in before we told them.|comms",
    "engineering|Capacity review for {service}|The database ran out of connections.|capacity",
]
OWNERS = ["alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi"]
NAME_FIRST = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay"]
NAME_SECOND = ["Labs", "Systems", "Retail", "Foods", "Logistics", "Health", "Media", "Bank"]
REGIONS = ["NA", "EU", "APAC", "LATAM"]


def shape(scale: float) -> dict[str, int]:
    """Row targets for a scale: accounts, tickets and incidents grow with it, days do not."""
    return {
        "accounts": max(50, round(FULL_SCALE["accounts"] * scale)),
        "tickets": max(500, round(FULL_SCALE["tickets"] * scale)),
        "incidents": max(3, round(FULL_SCALE["incidents"] * scale)),
        "days": DAYS,
    }


def _setup(con: duckdb.DuckDBPyConnection, sizes: dict[str, int], seed: int) -> None:
    variables = {
        "seed": seed,
        "n_accounts": sizes["accounts"],
        "n_tickets": sizes["tickets"],
        "n_incidents": sizes["incidents"],
        "n_days": sizes["days"],
        "services": SERVICES,
        "feature_names": [f for f, _ in FEATURES],
        "feature_shares": [s for _, s in FEATURES],
        "ticket_share": TICKET_SHARE,
        "incident_titles": INCIDENT_TITLES,
        "incident_subjects": INCIDENT_SUBJECTS,
        "incident_bodies": INCIDENT_BODIES,
        "background": BACKGROUND,
        "greetings": GREETINGS,
        "fillers": FILLERS,
        "closings": CLOSINGS,
        "signal_sentences": SIGNAL_SENTENCES,
        "agent_replies": AGENT_REPLIES,
        "customer_replies": CUSTOMER_REPLIES,
        "system_notes": SYSTEM_NOTES,
        "action_items": ACTION_ITEMS,
        "status_bodies": list(STATUS_BODIES.values()),
        "owners": OWNERS,
        "name_first": NAME_FIRST,
        "name_second": NAME_SECOND,
        "regions": REGIONS,
    }
    for name, value in variables.items():
        con.execute(f"set variable {name} = $v", {"v": value})
    con.execute("set variable start_at = $v::timestamp", {"v": START})
    con.execute(
        """
        -- u: a uniform number in [0, 1) from a salt and a row key, fixed by the seed.
        create macro u(salt, k) as (hash(salt, k, getvariable('seed')) % 1000003) / 1000003.0;
        -- pick: one element of a list variable.
        create macro pick(name, salt, k) as
            getvariable(name)[1 + floor(u(salt, k) * len(getvariable(name)))::bigint];
        -- pick_other: an element of the list other than the one pick(name, salt, k) gave.
        create macro pick_other(name, salt, other_salt, k) as getvariable(name)[
            1 + (
                floor(u(salt, k) * len(getvariable(name)))::bigint + 1
                + floor(u(other_salt, k) * (len(getvariable(name)) - 1))::bigint
            ) % len(getvariable(name))
        ];
        create macro fill(template, service) as
            replace(replace(template, '{service}', service),
                    '{Service}', upper(left(service, 1)) || substr(service, 2));
        create macro account_id(i) as 'A' || lpad((i + 1)::varchar, 7, '0');
        -- iso: ISO 8601 in UTC, as help desks export.
        create macro iso(t) as strftime(t, '%Y-%m-%dT%H:%M:%SZ');
        """
    )


def _copy(con: duckdb.DuckDBPyConnection, rows: dict[str, int], path: Path, select: str) -> None:
    """Write a query's rows to a CSV (with a header) or Parquet file; count them in `rows`."""
    # COPY takes no bound file name; the path is ours, quoted as a SQL string.
    target = "'" + str(path).replace("'", "''") + "'"
    options = "(format parquet, compression zstd)" if path.suffix == ".parquet" else "(header true)"
    written = con.execute(f"copy ({select}) to {target} {options}").fetchone()[0]
    rows[path.name.split(".")[0]] = written


def _incidents(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create table incidents_gen as
        with drawn as (
            select
                i,
                getvariable('start_at') + to_seconds(
                    floor(u(11, i) * (getvariable('n_days') - 2) * 86400)::bigint
                ) as started_at,
                case
                    when u(12, i) < 0.02 then 1 when u(12, i) < 0.10 then 2
                    when u(12, i) < 0.40 then 3 when u(12, i) < 0.80 then 4 else 5
                end as severity,
                pick('services', 13, i) as service,
                case when u(14, i) < 0.3 then pick('services', 15, i) end as second_service,
                exp(ln(15) + u(16, i) * ln(40)) as base_minutes
            from range(getvariable('n_incidents')) as t (i)
        ),
        ordered as (
            select *, row_number() over (order by started_at, i) as idx
            from drawn
        ),
        timed as (
            select
                idx,
                severity,
                service,
                list_distinct([service, second_service]) as services,
                fill(pick('incident_titles', 17, idx), service) as title,
                -- The newest incident is still ongoing: it began three hours before the data ends.
                case
                    when idx = getvariable('n_incidents')
                        then getvariable('start_at') + getvariable('n_days') * interval 1 day
                            - interval 3 hour
                    else started_at
                end as started_at,
                base_minutes * case severity when 1 then 2.0 when 2 then 1.5 else 1.0 end
                    as outage_minutes,
                idx = getvariable('n_incidents') as is_ongoing
            from ordered
        )
        select
            *,
            'INC-' || lpad(idx::varchar, 5, '0') as incident_id,
            started_at + to_seconds((u(18, idx) * 15 * 60)::bigint) as detected_at,
            case when not is_ongoing
                then started_at + to_seconds((outage_minutes * (0.6 + 0.3 * u(19, idx)) * 60)::bigint)
            end as mitigated_at,
            case when not is_ongoing
                then started_at + to_seconds((outage_minutes * 60)::bigint)
            end as resolved_at,
            coalesce(
                started_at + to_seconds((outage_minutes * 60)::bigint),
                getvariable('start_at') + getvariable('n_days') * interval 1 day
            ) as ended_at,
            not is_ongoing and (severity <= 2 or (severity = 3 and u(20, idx) < 0.3))
                as has_postmortem
        from timed
        order by idx
        """
    )


def _tickets(con: duckdb.DuckDBPyConnection) -> None:
    # Incident tickets first: a burst during the outage, a run after it, a long tail.
    con.execute(
        """
        create table incident_tickets as
        with counts as (
            select
                *,
                round(
                    getvariable('ticket_share')[severity] * getvariable('n_accounts')
                    * (0.5 + u(21, idx))
                )::bigint as n_related
            from incidents_gen
        ),
        rows as (
            select counts.*, k, idx * 10000000 + k as key
            from counts, range(counts.n_related) as r (k)
        )
        select
            idx as incident_idx,
            key,
            least(
                case
                    when u(22, key) < 0.05
                        then started_at - to_seconds((u(23, key) * 1800)::bigint)
                    when u(22, key) < 0.70
                        then started_at + to_seconds(
                            (u(23, key) * epoch(ended_at - started_at))::bigint
                        )
                    when u(22, key) < 0.95
                        then ended_at + to_seconds((-ln(1 - u(23, key)) * 3000)::bigint)
                    else ended_at + to_seconds(((1 + u(23, key) * 9) * 86400)::bigint)
                end,
                getvariable('start_at') + getvariable('n_days') * interval 1 day
                    - interval 1 second
            ) as created_at,
            floor(u(24, key) * getvariable('n_accounts'))::bigint as account_idx,
            case
                when u(25, key) >= 0.45 then null
                when has_postmortem and u(26, key) < 0.05 then 'PM-' || lpad(idx::varchar, 5, '0')
                else incident_id
            end as link_ref,
            case when u(27, key) < 0.3 then services[-1] else service end as service,
            true as is_incident
        from rows
        """
    )
    # Background tickets fill the rest: business hours, fewer at weekends, big accounts write more.
    con.execute(
        """
        create table tickets_gen as
        with background as (
            select
                i as key,
                floor(u(31, i) * getvariable('n_days'))::bigint as day_raw,
                case
                    when u(33, i) < 0.75 then 8 + floor(u(34, i) * 10)
                    else floor(u(34, i) * 24)
                end::bigint as hour,
                floor(u(35, i) * 3600)::bigint as second,
                case
                    when u(36, i) < 0.5
                        then floor(u(37, i) * getvariable('n_accounts') * 0.2)
                    else floor(u(37, i) * getvariable('n_accounts'))
                end::bigint as account_idx
            from range(
                greatest(
                    getvariable('n_tickets') - (select count(*) from incident_tickets), 0
                )
            ) as t (i)
        ),
        shifted as (
            select
                *,
                -- Most weekend tickets are written on the Friday before.
                case
                    when day_raw % 7 >= 5 and u(32, key) < 0.6 then day_raw - day_raw % 7 + 4
                    else day_raw
                end as day
            from background
        ),
        every as (
            select
                null::bigint as incident_idx,
                key,
                getvariable('start_at') + to_days(day::integer) + to_hours(hour)
                    + to_seconds(second) as created_at,
                account_idx,
                null::varchar as link_ref,
                pick('services', 38, key) as service,
                false as is_incident
            from shifted
            union all
            select * from incident_tickets
        )
        select row_number() over (order by created_at, is_incident, key) as idx, *
        from every
        order by idx
        """
    )


def _write_tickets(con: duckdb.DuckDBPyConnection, out: Path, rows: dict[str, int]) -> None:
    _copy(
        con,
        rows,
        out / "tickets.csv",
        """
            select
                'T' || idx as ticket_id,
                -- about one row in 100,000 carries a timestamp no parser reads
                case when u(59, idx) < 0.00001 then 'last tuesday' else iso(created_at) end
                    as created_at,
                case when u(58, idx) < 0.005 then null else account_id(account_idx) end
                    as account_id,
                case
                    when is_incident then fill(pick('incident_subjects', 51, idx), service)
                    else fill(split_part(pick('background', 51, idx), '|', 2), service)
                end as subject,
                concat_ws(
                    ' ',
                    pick('greetings', 52, idx),
                    fill(
                        case
                            when is_incident then pick('incident_bodies', 53, idx)
                            else split_part(pick('background', 51, idx), '|', 3)
                        end,
                        service
                    ),
                    pick('fillers', 54, idx),
                    case when u(55, idx) < 0.5 then pick_other('fillers', 54, 56, idx) end,
                    case
                        when u(57, idx) < case when is_incident then 0.35 else 0.04 end
                            then pick('signal_sentences', 60, idx)
                    end,
                    pick('closings', 61, idx)
                ) as description,
                case
                    when is_incident
                        then service || ';' || ['outage', 'error', 'slow', 'down'][
                            1 + floor(u(62, idx) * 4)::bigint
                        ]
                    else split_part(pick('background', 51, idx), '|', 1)
                        || case when contains(pick('background', 51, idx), '{service}') then ';' || service else '' end
                end as tags,
                case
                    when u(64, idx) < 0.45 then 'email' when u(64, idx) < 0.75 then 'web'
                    when u(64, idx) < 0.95 then 'chat' else 'phone'
                end as channel,
                case
                    when is_incident and u(65, idx) < 0.4 then 'urgent'
                    when u(65, idx) < 0.15 then 'high'
                    when u(65, idx) < 0.85 then 'normal' else 'low'
                end as priority,
                case
                    when u(66, idx) >= 0.03
                        then iso(created_at + to_seconds((-ln(1 - u(67, idx)) * 72000)::bigint))
                end as solved_at,
                link_ref as incident_id
            from tickets_gen
        """,
    )


TRUTH_FILE = ".truth.parquet"


def _write_truth(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Which incident each ticket written about an incident belongs to, linked or not: the
    answer key suggestions are measured against (benchmarks/suggestions.py). A dot file, so the
    loader skips it."""
    con.sql(
        """
        select
            'T' || idx as ticket_id,
            'INC-' || lpad(incident_idx::varchar, 5, '0') as incident_id,
            link_ref is not null as is_linked
        from tickets_gen
        where is_incident
        order by idx
        """
    ).write_parquet(str(out / TRUTH_FILE))


def _write_ticket_events(con: duckdb.DuckDBPyConnection, out: Path, rows: dict[str, int]) -> None:
    # About half a comment per ticket: none for most, up to three for a few.
    con.execute(
        """
        create table events_gen as
        with counts as (
            select
                idx,
                created_at,
                is_incident,
                (u(71, idx) < 0.35)::int + (u(71, idx) < 0.12)::int + (u(71, idx) < 0.03)::int
                    as n_events
            from tickets_gen
        )
        select counts.idx as ticket_idx, k, counts.created_at as ticket_created_at, is_incident,
            counts.idx * 4 + k as key
        from counts, range(counts.n_events) as r (k)
        order by ticket_idx, k
        """
    )
    _copy(
        con,
        rows,
        out / "ticket_events.csv",
        """
            select
                'T' || ticket_idx as ticket_id,
                iso(least(
                    ticket_created_at + to_seconds(((k + 1) * (1800 + u(72, key) * 20000))::bigint),
                    getvariable('start_at') + getvariable('n_days') * interval 1 day
                )) as created_at,
                case
                    when k = 0 and u(73, key) < 0.7 then 'agent'
                    when u(73, key) < 0.5 then 'customer'
                    when u(73, key) < 0.9 then 'agent'
                    else 'system'
                end as author_role,
                case
                    when k = 0 and u(73, key) < 0.7 then pick('agent_replies', 74, key)
                    when u(73, key) < 0.5 then pick('customer_replies', 74, key)
                    when u(73, key) < 0.9 then pick('agent_replies', 74, key)
                    else pick('system_notes', 74, key)
                end as body
            from events_gen
        """,
    )


def _write_small_tables(con: duckdb.DuckDBPyConnection, out: Path, rows: dict[str, int]) -> None:
    _copy(
        con,
        rows,
        out / "incidents.csv",
        """
            select
                incident_id,
                title,
                'SEV' || severity as severity,
                array_to_string(services, ';') as services,
                iso(started_at) as started_at,
                iso(detected_at) as detected_at,
                iso(mitigated_at) as mitigated_at,
                iso(resolved_at) as resolved_at,
                'https://status.example.com/incidents/' || lower(incident_id) as status_page_url
            from incidents_gen
            order by idx
        """,
    )
    # Public comms: investigating soon after detection, sometimes identified and monitoring,
    # resolved from ten minutes early to two hours late.
    _copy(
        con,
        rows,
        out / "status_updates.csv",
        """
            with updates as (
                select idx, 1 as step, 'investigating' as status,
                    detected_at + to_seconds((120 + u(81, idx) * 1080)::bigint) as posted_at,
                    service
                from incidents_gen
                union all
                select idx, 2, 'identified',
                    detected_at + (mitigated_at - detected_at) / 2, service
                from incidents_gen
                where not is_ongoing and u(82, idx) < 0.7
                union all
                select idx, 3, 'monitoring', mitigated_at, service
                from incidents_gen
                where not is_ongoing and u(83, idx) < 0.6
                union all
                select idx, 4, 'resolved',
                    resolved_at + to_seconds((-600 + u(84, idx) * 7800)::bigint), service
                from incidents_gen
                where not is_ongoing
            )
            select
                'INC-' || lpad(idx::varchar, 5, '0') as incident_id,
                iso(posted_at) as posted_at,
                status,
                fill(getvariable('status_bodies')[step], service) as body
            from updates
            order by idx, step
        """,
    )
    con.execute(
        """
        create table postmortems_gen as
        with named as (
            select incident_idx, list(distinct account_idx order by account_idx) as accounts,
                count(*) filter (where link_ref is not null) as linked
            from incident_tickets
            group by incident_idx
        )
        select
            incidents_gen.idx,
            incidents_gen.incident_id,
            incidents_gen.service,
            'PM-' || lpad(incidents_gen.idx::varchar, 5, '0') as postmortem_id,
            incidents_gen.resolved_at
                + to_seconds(((1 + u(85, incidents_gen.idx) * 12) * 86400)::bigint) as published_at,
            coalesce(named.accounts, []) as accounts,
            round(coalesce(named.linked, 0) * (0.6 + 0.4 * u(86, incidents_gen.idx)))::bigint
                as stated_ticket_count
        from incidents_gen
        left join named on named.incident_idx = incidents_gen.idx
        where incidents_gen.has_postmortem
        order by incidents_gen.idx
        """
    )
    _copy(
        con,
        rows,
        out / "postmortems.csv",
        """
            select
                postmortem_id,
                incident_id,
                iso(published_at) as published_at,
                'https://wiki.example.com/postmortems/' || lower(postmortem_id) as url,
                to_json(list_transform(accounts[1:10], lambda a: account_id(a)))::varchar
                    as affected_accounts,
                stated_ticket_count
            from postmortems_gen
            where published_at < getvariable('start_at') + getvariable('n_days') * interval 1 day
            order by idx
        """,
    )
    _copy(
        con,
        rows,
        out / "action_items.csv",
        """
            with items as (
                select postmortems_gen.*, k, idx * 8 + k as key,
                    pick('action_items', 87, idx * 8 + k) as spec
                from postmortems_gen,
                    range(2 + floor(u(88, postmortems_gen.idx) * 5)::bigint) as r (k)
            )
            select
                'AI-' || lpad(idx::varchar, 5, '0') || '-' || (k + 1) as action_item_id,
                incident_id,
                fill(split_part(spec, '|', 2), service) as title,
                split_part(spec, '|', 3) as description,
                split_part(spec, '|', 1) as team,
                pick('owners', 89, key) as owner,
                strftime(published_at + to_days((14 + u(90, key) * 46)::integer), '%Y-%m-%d')
                    as due_date,
                case when u(91, key) < 0.6
                    then iso(published_at + to_seconds(((2 + u(92, key) * 50) * 86400)::bigint))
                end as completed_at,
                split_part(spec, '|', 4) || ';' || service as tags
            from items
            order by idx, k
        """,
    )


def _accounts(con: duckdb.DuckDBPyConnection, out: Path, rows: dict[str, int]) -> None:
    # Segments by index: the first 5 % are enterprise, which background tickets favour.
    con.execute(
        """
        create table accounts_gen as
        select
            i as idx,
            case
                when i < 0.05 * getvariable('n_accounts') then 'enterprise'
                when i < 0.30 * getvariable('n_accounts') then 'mid-market'
                else 'smb'
            end as segment,
            0.05 + 0.4 * u(41, i) * u(41, i) as active_share,
            list_filter(
                getvariable('feature_names'),
                lambda f, n: u(42, i * 16 + n) < getvariable('feature_shares')[n]
            ) as features
        from range(getvariable('n_accounts')) as t (i)
        order by i
        """
    )
    _copy(
        con,
        rows,
        out / "accounts.csv",
        """
            select
                account_id(idx) as account_id,
                pick('name_first', 43, idx) || ' ' || pick('name_second', 44, idx) || ' '
                    || (idx + 1) as name,
                segment,
                case segment
                    when 'enterprise' then 'Enterprise'
                    when 'mid-market' then 'Business'
                    else case when u(45, idx) < 0.6 then 'Starter' else 'Pro' end
                end as plan,
                round(
                    case segment
                        when 'enterprise' then exp(ln(3000) + u(46, idx) * ln(15))
                        when 'mid-market' then exp(ln(400) + u(46, idx) * ln(10))
                        else exp(ln(20) + u(46, idx) * ln(15))
                    end,
                    2
                ) as mrr,
                pick('regions', 47, idx) as region
            from accounts_gen
        """,
    )


def _usage(con: duckdb.DuckDBPyConnection, out: Path, rows: dict[str, int]) -> None:
    # Some accounts go quiet after an incident: 4 % of those that wrote in about a SEV1/SEV2, and
    # 0.1 % of the users of the affected feature who never wrote (the silent ones). Half recover
    # after three weeks. With more incidents in the same two years, more accounts go quiet.
    con.execute(
        """
        create table quiet_gen as
        with severe as (
            select idx, service, cast(ended_at as date) - cast(getvariable('start_at') as date)
                as end_day
            from incidents_gen
            where severity <= 2 and not is_ongoing
        ),
        drops as (
            select distinct incident_tickets.account_idx, severe.end_day
            from incident_tickets
            inner join severe on severe.idx = incident_tickets.incident_idx
            where u(75, incident_tickets.account_idx * 1000003 + severe.idx) < 0.04
            union
            select accounts_gen.idx, severe.end_day
            from severe
            inner join accounts_gen on list_contains(accounts_gen.features, severe.service)
            where u(76, accounts_gen.idx * 1000003 + severe.idx) < 0.001
        )
        select
            account_idx,
            min(end_day) + 1 as quiet_from_day,
            min(end_day) + case when u(77, account_idx) < 0.5 then 22 else 100000 end
                as quiet_until_day
        from drops
        group by account_idx
        """
    )
    _copy(
        con,
        rows,
        out / "usage.parquet",
        """
            with grid as (
                select i // getvariable('n_accounts') as day, i % getvariable('n_accounts') as idx
                from range(getvariable('n_accounts') * getvariable('n_days')) as t (i)
            ),
            accounts as (
                select
                    accounts_gen.*,
                    coalesce(quiet_gen.quiet_from_day, 100000) as quiet_from_day,
                    coalesce(quiet_gen.quiet_until_day, 100000) as quiet_until_day,
                    case segment when 'enterprise' then 30 when 'mid-market' then 10 else 4 end
                        as intensity
                from accounts_gen
                left join quiet_gen on quiet_gen.account_idx = accounts_gen.idx
            ),
            rows as (
                select
                    grid.day,
                    grid.idx,
                    unnest(accounts.features) as feature,
                    accounts.active_share
                        * case when grid.day % 7 >= 5 then 0.4 else 1.0 end
                        * case
                            when grid.day >= quiet_from_day and grid.day < quiet_until_day then 0.1
                            else 1.0
                        end as chance,
                    accounts.intensity
                from grid
                inner join accounts on accounts.idx = grid.idx
            )
            select
                account_id(idx) as account_id,
                cast(getvariable('start_at') as date) + day::integer as day,
                feature,
                (1 + floor(u(79, (day * getvariable('n_accounts') + idx) * 16 + hash(feature) % 16)
                    * 2 * intensity))::integer as value
            from rows
            where u(78, (day * getvariable('n_accounts') + idx) * 16 + hash(feature) % 16) < chance
        """,
    )


def generate(
    scale: float, out: Path, seed: int = 1, memory_limit: str = "4GB", threads: int | None = None
) -> dict:
    """Write the export folder for `scale` into `out`; returns its manifest (sizes, seconds)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sizes = shape(scale)
    started = time.perf_counter()
    con = duckdb.connect()
    try:
        con.execute("set memory_limit = $m", {"m": memory_limit})
        con.execute("set temp_directory = $t", {"t": str(out / ".tmp")})
        if threads:
            con.execute("set threads = $n", {"n": threads})
        _setup(con, sizes, seed)
        _incidents(con)
        _tickets(con)
        rows: dict[str, int] = {}
        _write_tickets(con, out, rows)
        _write_truth(con, out)
        _write_ticket_events(con, out, rows)
        _write_small_tables(con, out, rows)
        _accounts(con, out, rows)
        _usage(con, out, rows)
    finally:
        con.close()
        shutil.rmtree(out / ".tmp", ignore_errors=True)
    manifest = {
        "scale": scale,
        "seed": seed,
        "generator": generator_version(),
        "shape": sizes,
        "rows": rows,
        "bytes": sum(p.stat().st_size for p in out.iterdir() if p.is_file()),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.md").write_text(
        "# Generated benchmark exports\n\n"
        "Written by `benchmarks/generate.py`; the loader skips this file.\n\n"
        f"```json\n{json.dumps(manifest, indent=2)}\n```\n"
    )
    return manifest


def generator_version() -> str:
    """A fingerprint of this file: data from an older generator is not reused."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def read_manifest(out: Path) -> dict | None:
    """The manifest of a generated folder, or None when there is none."""
    path = Path(out) / "manifest.md"
    if not path.is_file():
        return None
    text = path.read_text()
    return json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full company")
    parser.add_argument("--out", type=Path, help="folder (default benchmarks/data/scale-SCALE)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "data" / f"scale-{args.scale:g}"
    manifest = generate(args.scale, out, args.seed, args.memory_limit)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
