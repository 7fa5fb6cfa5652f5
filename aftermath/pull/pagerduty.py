"""PagerDuty: incidents and their log entries (acknowledged, resolved), in windows of 90 days.

`GET /incidents` and `GET /log_entries` filter on creation time (`since`/`until`) and page by
offset while `more` says so, but offset + limit may not pass 10,000 (a 400): each window first
asks for its `total`, and one holding more is split in halves until each half fits. The next
pull lists what was created since the last one ended; an older incident that changed since
shows in the log entries of that span (someone acknowledged or resolved it), and is fetched
again by id. Log entries are kept as their own file beside the incidents (the overview ones,
`is_overview=true`: trigger, acknowledge, resolve, ...), where the PagerDuty adapter reads them.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from aftermath.pull.http import Api, Call, listed, offset_more, pages
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records

NAME = "pagerduty"
TITLE = "PagerDuty"
KEYS = ("PAGERDUTY_API_KEY",)
INCIDENTS = Kind("incidents.jsonl", "incidents")
LOG_ENTRIES = Kind("log_entries.jsonl", "log_entries")
LIMIT = 100
OFFSET_CAP = 10_000
WINDOW = timedelta(days=90)


def options(job: Job) -> dict:
    return {"base_url": job.base_url}


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) in spans of at most 90 days."""
    while start < end:
        yield start, min(start + WINDOW, end)
        start += WINDOW


def created_between(
    api: Api, path: str, key: str, start: datetime, end: datetime, extra: dict
) -> Iterator[list[dict]]:
    """The records created in [start, end), a page at a time, split while over the offset cap."""
    first = Call(
        path,
        {"since": iso(start), "until": iso(end), "limit": LIMIT, "offset": 0, "total": "true"}
        | {"time_zone": "UTC", **extra},
    )
    page = api.json(first)
    if (page.get("total") or 0) > OFFSET_CAP and end - start > timedelta(seconds=1):
        middle = start + (end - start) / 2
        yield from created_between(api, path, key, start, middle, extra)
        yield from created_between(api, path, key, middle, end, extra)
        return
    yield listed(api, page, key)
    following = offset_more(LIMIT)
    after = following(page, first)
    if after is not None:
        yield from (listed(api, p, key) for p in pages(api, after, following))


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    key = job.key("PAGERDUTY_API_KEY")
    incidents, log_entries = output.records(INCIDENTS), output.records(LOG_ENTRIES)
    until = datetime.now(UTC).replace(microsecond=0)
    saved = output.cursor("until")
    start = datetime.fromisoformat(saved.replace("Z", "+00:00")) if saved else job.first_since()
    seen: set[str] = set()
    touched: set[str] = set()
    with job.api(
        "https://api.pagerduty.com",
        headers={
            "Authorization": f"Token token={key}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
        secrets=(key,),
        unauthorized="Check PAGERDUTY_API_KEY (a REST API key: Integrations → API Access Keys).",
        not_found="Check --base-url (https://api.pagerduty.com, or api.eu.pagerduty.com).",
    ) as api:
        for low, high in windows(start, until):
            for found in created_between(api, "incidents", "incidents", low, high, {}):
                incidents.upsert(found)
                seen |= {str(i.get("id")) for i in found}
            overview = {"is_overview": "true"}
            for found in created_between(api, "log_entries", "log_entries", low, high, overview):
                log_entries.upsert(found)
                touched |= {str((e.get("incident") or {}).get("id")) for e in found}
            job.progress.note(
                f"PagerDuty {low:%Y-%m-%d} to {high:%Y-%m-%d}: {incidents.summary()}, "
                f"{log_entries.summary()}"
            )
        # Incidents created before this span whose timeline moved in it.
        for incident_id in sorted(touched - seen - {"None"}):
            page = api.json(Call(f"incidents/{incident_id}"))
            if isinstance(page.get("incident"), dict):
                incidents.upsert([page["incident"]])
    return [incidents, log_entries], {"until": iso(until)}
