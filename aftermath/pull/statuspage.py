"""Statuspage: the public `/api/v2/incidents.json` of any status page, no key needed.

That list holds only the 50 most recent incidents, with their updates: each pull adds them to
what earlier pulls kept, so the history grows night by night (an incident that changed
replaces its earlier copy). The page object comes along, since its `updated_at` says when the
page was last true (see ingest/vendors/statuspage.md).
"""

from aftermath.pull.http import Call, PullError, listed
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records

NAME = "statuspage"
KEYS: tuple[str, ...] = ()
INCIDENTS = Kind("incidents.jsonl", "incidents")


def options(job: Job) -> dict:
    url = job.url or job.base_url
    if not url:
        raise PullError(
            "Statuspage: give the status page's address: "
            "aftermath pull statuspage https://status.example.com"
        )
    if "://" not in url:
        url = f"https://{url}"
    return {"url": url.rstrip("/")}


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    url = options(job)["url"]
    incidents = output.records(INCIDENTS)
    with job.api(url, not_found=f"Is {url} a Statuspage status page?") as api:
        page = api.json(Call("api/v2/incidents.json"))
        incidents.upsert(listed(api, page, "incidents"))
    if isinstance(page.get("page"), dict):
        incidents.extra["page"] = page["page"]
    job.progress.note(f"Statuspage: {incidents.summary()}")
    return [incidents], {"page_updated_at": incidents.extra.get("page", {}).get("updated_at")}
