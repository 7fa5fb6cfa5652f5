"""Zendesk Support: tickets (with their metric sets) and their comments, incrementally.

Tickets come from the cursor-based incremental export (`/incremental/tickets/cursor.json`,
followed by `after_url` until `end_of_stream`): the time-based one loops forever when more than
1,000 tickets share a timestamp. The next pull starts from the saved `after_cursor`.

Comments exist incrementally only as ticket events (`/incremental/ticket_events.json` with
`include=comment_events`, time-based, 500 a page since 1,000 times out); the events that carry a
comment are kept, and the next pull starts from the last page's `end_time`. Their authors are
side-loaded from `/users/show_many.json`, as their roles say who the customer is. Incremental
endpoints allow about 10 requests a minute: the 429s that follow are waited out as the API says.
"""

from aftermath.pull.http import Call, PullError, listed, next_link, pages
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records, record_id

NAME = "zendesk"
KEYS = ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN")
TICKETS = Kind("tickets.jsonl", "tickets", sideloads={"metric_sets": record_id("ticket_id")})
TICKET_EVENTS = Kind("ticket_events.jsonl", "ticket_events", sideloads={"users": record_id("id")})
EVENTS_PER_PAGE = 500
USERS_PER_CALL = 100


def options(job: Job) -> dict:
    if not job.subdomain and not job.base_url:
        raise PullError("Zendesk: give --subdomain (acme for acme.zendesk.com) or --base-url")
    return {"subdomain": job.subdomain, "base_url": job.base_url}


def _is_last(page: dict) -> bool:
    return bool(page.get("end_of_stream"))


def _comments(event: dict) -> list[dict]:
    return [
        child
        for child in event.get("child_events") or []
        if "Comment" in (child.get("event_type"), child.get("type"))
    ]


def _author(event: dict, comment: dict) -> str:
    return str(comment.get("author_id") or event.get("updater_id"))


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    email, token = job.key("ZENDESK_EMAIL"), job.key("ZENDESK_API_TOKEN")
    site = job.base_url or f"https://{job.subdomain}.zendesk.com"
    since = int(job.first_since().timestamp())
    tickets, events = output.records(TICKETS), output.records(TICKET_EVENTS)
    cursors = {}
    with job.api(
        site,
        auth=(f"{email}/token", token),
        secrets=(token,),
        unauthorized="Check ZENDESK_EMAIL and ZENDESK_API_TOKEN (an API token of that agent).",
        not_found=f"Check --subdomain: is {site} your Zendesk?",
    ) as api:
        cursor = output.cursor("tickets_after_cursor")
        first = Call(
            "api/v2/incremental/tickets/cursor.json",
            {"include": "metric_sets", **({"cursor": cursor} if cursor else {"start_time": since})},
        )
        for n, page in enumerate(
            pages(api, first, next_link("after_url", _is_last, carry=("include",))), 1
        ):
            tickets.upsert(listed(api, page, "tickets"))
            tickets.side("metric_sets", page.get("metric_sets") or [])
            cursor = page.get("after_cursor") or cursor
            job.progress.note(f"Zendesk tickets: page {n}, {tickets.summary()}")
        cursors["tickets_after_cursor"] = cursor

        start = output.cursor("ticket_events_start_time") or since
        first = Call(
            "api/v2/incremental/ticket_events.json",
            {"start_time": start, "include": "comment_events", "per_page": EVENTS_PER_PAGE},
        )
        authors: set[str] = set()
        for n, page in enumerate(
            pages(api, first, next_link("next_page", _is_last, carry=("include", "per_page"))), 1
        ):
            commented = [e for e in listed(api, page, "ticket_events") if _comments(e)]
            events.upsert(commented)
            authors |= {_author(e, c) for e in commented for c in _comments(e)}
            start = page.get("end_time") or start
            job.progress.note(f"Zendesk ticket events: page {n}, {events.summary()}")
        cursors["ticket_events_start_time"] = start

        # The authors of this pull's comments whose role no earlier pull learned.
        wanted = sorted(authors - set(events.sides["users"]) - {"None"})
        for at in range(0, len(wanted), USERS_PER_CALL):
            ids = ",".join(wanted[at : at + USERS_PER_CALL])
            page = api.json(Call("api/v2/users/show_many.json", {"ids": ids}))
            events.side("users", listed(api, page, "users"))
    return [tickets, events], cursors
