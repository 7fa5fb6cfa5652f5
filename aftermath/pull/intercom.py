"""Intercom: conversations and tickets with their parts (replies, notes), by `updated_at`.

`POST /conversations/search` and `POST /tickets/search` on `updated_at` (whole seconds; the
search has no ">=", so the next pull asks for "> last seen - 1" and keeps repeats once), 150 a
page, cursor `pages.next.starting_after`. A search result carries no parts, so each conversation
and ticket found is fetched whole (`GET /conversations/{id}`, `GET /tickets/{id}`): the parts are
the customer's later messages. Tracker tickets among them become incidents at load.
"""

from aftermath.pull.http import Call, body_cursor, listed, pages
from aftermath.pull.job import Job
from aftermath.pull.store import Kind, Output, Records

NAME = "intercom"
KEYS = ("INTERCOM_TOKEN",)
CONVERSATIONS = Kind("conversations.jsonl", "conversations", wrapper={"type": "conversation.list"})
TICKETS = Kind("tickets.jsonl", "tickets", wrapper={"type": "ticket.list"})
PER_PAGE = 150
API_VERSION = "2.14"


def options(job: Job) -> dict:
    return {"base_url": job.base_url}


def pull(job: Job, output: Output) -> tuple[list[Records], dict]:
    token = job.key("INTERCOM_TOKEN")
    kept = {"conversations": output.records(CONVERSATIONS), "tickets": output.records(TICKETS)}
    cursors = {}
    with job.api(
        "https://api.intercom.io",
        headers={"Authorization": f"Bearer {token}", "Intercom-Version": API_VERSION},
        secrets=(token,),
        unauthorized="Check INTERCOM_TOKEN (an access token from the Developer Hub).",
        not_found="Check --base-url (https://api.intercom.io, api.eu.intercom.io, api.au.intercom.io).",
    ) as api:
        for kind, records in kept.items():
            saved = output.cursor(f"{kind}_updated_at")
            after = int(saved) - 1 if saved else int(job.first_since().timestamp())
            first = Call(
                f"{kind}/search",
                method="POST",
                body={
                    "query": {"field": "updated_at", "operator": ">", "value": after},
                    "pagination": {"per_page": PER_PAGE},
                },
            )
            following = body_cursor(
                ("pages", "next", "starting_after"), "starting_after", ("pagination",)
            )
            latest = int(saved) if saved else after
            for n, page in enumerate(pages(api, first, following), 1):
                for found in listed(api, page, kind):
                    whole = api.json(Call(f"{kind}/{found['id']}", {"display_as": "plaintext"}))
                    records.upsert([whole])
                    latest = max(latest, int(found.get("updated_at") or 0))
                job.progress.note(f"Intercom {kind}: page {n}, {records.summary()}")
            cursors[f"{kind}_updated_at"] = latest
    return list(kept.values()), cursors
