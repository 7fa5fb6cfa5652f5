"""incident.io: incidents (their timestamps, severity, postmortem link) and follow-ups.

`GET /v2/incidents` pages by the cursor `pagination_meta.after`, 250 a page; a first pull asks
for those created since --since, the next for those updated since the day the last one ran
(incident.io filters by date). `GET /v2/follow_ups` answers every follow-up at once, so each
pull takes them all and keeps those that changed. Incident updates are not pulled: they are
internal Slack updates, which the adapter does not read. incident.io allows 1,200 requests a
minute; its 429 says how long to wait in the body (`retry_after`), which the client honours.
"""

from datetime import UTC, datetime

from aftermath.pull.http import Call, body_cursor, listed, pages
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records

NAME = "incident_io"
KEYS = ("INCIDENT_IO_API_KEY",)
INCIDENTS = Kind("incidents.jsonl", "incidents")
FOLLOW_UPS = Kind("follow_ups.jsonl", "follow_ups")
PAGE_SIZE = 250


def options(job: Job) -> dict:
    return {"base_url": job.base_url}


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    key = job.key("INCIDENT_IO_API_KEY")
    incidents, follow_ups = output.records(INCIDENTS), output.records(FOLLOW_UPS)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    saved = output.cursor("updated_since")
    since = (
        {"updated_at[gte]": saved}
        if saved
        else {"created_at[gte]": f"{job.first_since():%Y-%m-%d}"}
    )
    with job.api(
        "https://api.incident.io",
        headers={"Authorization": f"Bearer {key}"},
        secrets=(key,),
        unauthorized="Check INCIDENT_IO_API_KEY (Settings → API keys, with read access).",
        not_found="Check --base-url (https://api.incident.io).",
    ) as api:
        first = Call("v2/incidents", {"page_size": PAGE_SIZE, **since})
        following = body_cursor(("pagination_meta", "after"), "after")
        for n, page in enumerate(pages(api, first, following), 1):
            incidents.upsert(listed(api, page, "incidents"))
            job.progress.note(f"incident.io incidents: page {n}, {incidents.summary()}")
        follow_ups.upsert(listed(api, api.json(Call("v2/follow_ups")), "follow_ups"))
        job.progress.note(f"incident.io follow-ups: {follow_ups.summary()}")
    return [incidents, follow_ups], {"updated_since": today}
