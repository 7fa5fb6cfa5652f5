"""Jira Cloud: the issues a JQL names (postmortem follow-ups), with every navigable field.

`/rest/api/3/search` answers 410 Gone since 2025: the pull asks `/rest/api/3/search/jql`, which
pages by `nextPageToken` and returns only ids unless told the `fields` (all navigable ones here,
so a custom field named by `--link-field` at load time is there). A first pull asks for the
issues updated since --since, the next for those updated since the last pull began, less a day:
JQL reads a date in the Jira user's own time zone, and a day covers any zone (the issues
fetched twice are kept once).
"""

from datetime import UTC, datetime, timedelta

from aftermath.pull.http import Call, PullError, body_cursor, listed, pages
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records

NAME = "jira"
KEYS = ("JIRA_EMAIL", "JIRA_API_TOKEN")
ISSUES = Kind("issues.jsonl", "issues")
PAGE_SIZE = 100
ZONE_MARGIN = timedelta(days=1)


def options(job: Job) -> dict:
    site = job.site or job.base_url
    if not site or not job.jql:
        raise PullError(
            'Jira: give --site https://acme.atlassian.net and --jql "project = OPS AND '
            'labels = postmortem" (the issues that are postmortem follow-ups)'
        )
    return {"site": site.rstrip("/"), "jql": job.jql, "base_url": job.base_url}


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    email, token = job.key("JIRA_EMAIL"), job.key("JIRA_API_TOKEN")
    site, jql = options(job)["site"], job.jql
    issues = output.records(ISSUES)
    began = datetime.now(UTC).replace(microsecond=0)
    saved = output.cursor("updated_since")
    since = (
        datetime.fromisoformat(saved.replace("Z", "+00:00")) - ZONE_MARGIN
        if saved
        else job.first_since()
    )
    query = f'({jql}) AND updated >= "{since:%Y-%m-%d %H:%M}" ORDER BY updated ASC'
    with job.api(
        site,
        auth=(email, token),
        secrets=(token,),
        unauthorized="Check JIRA_EMAIL and JIRA_API_TOKEN (an API token from id.atlassian.com).",
        not_found=f"Check --site: is {site} your Jira Cloud site?",
    ) as api:
        first = Call(
            "rest/api/3/search/jql",
            {"jql": query, "fields": "*navigable", "maxResults": PAGE_SIZE},
        )
        following = body_cursor(("nextPageToken",), "nextPageToken")
        for n, page in enumerate(pages(api, first, following), 1):
            issues.upsert(listed(api, page, "issues"))
            job.progress.note(f"Jira issues: page {n}, {issues.summary()}")
    return [issues], {"updated_since": began.strftime("%Y-%m-%dT%H:%M:%SZ")}
