"""The demo's incident records: the incidents, their status-page updates, postmortems and
action items, as the stories tell them."""

from datetime import timedelta

from aftermath.demo.world import STATUS_HOST, STORIES, at_time, iso_text


def incident_row(story: dict) -> dict:
    def stamp(key: str) -> str | None:
        return iso_text(at_time(story[key])) if key in story else None

    return {
        "incident_id": story["incident_id"],
        "title": story["title"],
        "severity": story["severity"],
        "services": story["services"],
        "started_at": stamp("started_at"),
        "detected_at": stamp("detected_at"),
        "acknowledged_at": stamp("acknowledged_at"),
        "mitigated_at": stamp("mitigated_at"),
        "resolved_at": stamp("resolved_at"),
        "status_page_url": (
            f"{STATUS_HOST}/{story['incident_id'].lower()}" if story["updates"] else None
        ),
    }


def status_rows() -> list[dict]:
    return [
        {
            "incident_id": s["incident_id"],
            "posted_at": iso_text(at_time(at)),
            "status": status,
            "body": body,
        }
        for s in STORIES
        for at, status, body in s["updates"]
    ]


def postmortem_rows(facts: dict) -> tuple[list[dict], list[dict]]:
    postmortems = []
    actions = []
    for story in STORIES:
        incident_id = story["incident_id"]
        if "postmortem" in story:
            pm = story["postmortem"]
            mine = facts[incident_id]["tickets"]
            names: list[str] = []
            # the accounts the author saw first: linked tickets, then the rest
            for ticket in [t for t in mine if t.incident_id] + mine:
                if ticket.account.account_id not in names and len(names) < pm["named_accounts"]:
                    names.append(ticket.account.account_id)
            # written by an author in Berlin; the export keeps the offset
            local = at_time(pm["published_at"]) + timedelta(hours=2)
            postmortems.append(
                {
                    "postmortem_id": incident_id.replace("INC", "PM"),
                    "incident_id": incident_id,
                    "published_at": local.strftime("%Y-%m-%dT%H:%M:%S+02:00"),
                    "url": f"https://wiki.acme-ledger.example/postmortems/{incident_id}",
                    "affected_accounts": names,
                    "stated_ticket_count": pm["stated_ticket_count"],
                }
            )
        for number, action in enumerate(story.get("action", []), start=1):
            actions.append(
                {
                    "action_item_id": f"AI-{incident_id[4:]}-{number}",
                    "incident_id": incident_id,
                    "title": action["title"],
                    "description": action["description"],
                    "team": action["team"],
                    "owner": action["owner"],
                    "due_date": action["due"],
                    "completed_at": action["completed"] + ":00" if "completed" in action else "",
                    "tags": action["tags"],
                }
            )
    return postmortems, actions
