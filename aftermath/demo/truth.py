"""The demo's planted facts (truth.json): what each incident really caused, which accounts went
quiet, the figures the tests and data/demo/README.md check the derived tables against."""

from aftermath.demo.usage import DECLINE_FROM, DECLINE_UNTIL, DECLINED_LEVEL
from aftermath.demo.world import (
    BILLING,
    LONG_TAIL,
    PERIOD_END,
    PERIOD_START,
    SEGMENTS,
    STORIES,
    Account,
    Ticket,
    at_time,
    iso_text,
    resolved_at_of,
)


def planted_truth(
    seed: int,
    tickets: list[Ticket],
    events: list[dict],
    facts: dict,
    plan: dict,
    accounts: list[Account],
    bad_rows: list[dict],
) -> dict:
    """What the demo planted, for tests and for anyone checking a derived number."""

    def ids(items: list[Account]) -> list[str]:
        return sorted(a.account_id for a in items)

    def per_incident(key: str) -> dict[str, list[str]]:
        return {
            s["incident_id"]: ids(plan["quiet"].get(s["incident_id"], {}).get(key, []))
            for s in STORIES
        }

    incidents = {}
    for story in STORIES:
        incident_id = story["incident_id"]
        mine = facts[incident_id]["tickets"]
        started, resolved = at_time(story["started_at"]), resolved_at_of(story)
        impact_end = facts[incident_id]["impact_end"]
        posted = [(at_time(at), status.lower()) for at, status, _ in story["updates"]]
        status_resolved = [at for at, status in posted if status == "resolved"]
        ticket_ids = {t.ticket_id for t in mine}
        comments = [
            e["created_at"]
            for e in events
            if str(e["ticket_id"]) in ticket_ids and e["author_role"] == "customer"
        ]
        pm = story.get("postmortem")
        published = at_time(pm["published_at"]) if pm else None
        actions = story.get("action", [])
        quiet = plan["quiet"].get(incident_id, {"writers": [], "silent": []})
        incidents[incident_id] = {
            "title": story["title"],
            "severity_as_exported": story["severity"],
            "services": story["services"],
            "started_at": iso_text(started),
            "resolved_at": iso_text(resolved) if resolved else None,
            "outage_minutes": int((resolved - started).total_seconds()) // 60 if resolved else None,
            "caused_tickets": len(mine),
            "linked_tickets": sum(1 for t in mine if t.incident_id),
            "unlinked_caused_tickets": sum(1 for t in mine if not t.incident_id),
            "first_ticket_at": iso_text(min(t.created_at for t in mine)),
            "first_update_at": iso_text(min(at for at, _ in posted)) if posted else None,
            "status_resolved_at": iso_text(status_resolved[0]) if status_resolved else None,
            "impact_end_at": iso_text(impact_end) if impact_end else None,
            "tickets_after_resolved": sum(1 for t in mine if resolved and t.created_at > resolved),
            "long_tail_tickets": sum(
                1 for t in mine if resolved and t.created_at > resolved + LONG_TAIL
            ),
            "last_customer_comment_at": max(comments, default=None),
            "repeat_ticket_accounts": facts[incident_id]["repeat_accounts"],
            "quiet_accounts": len(quiet["writers"]) + len(quiet["silent"]),
            "silent_quiet_accounts": len(quiet["silent"]),
            "quiet_mrr": round(sum(a.mrr for a in quiet["writers"] + quiet["silent"]), 2),
            "postmortem_published_at": iso_text(published) if published else None,
            "postmortem_days_after_resolved": (
                round((published - resolved).total_seconds() / 86400, 2) if published else None
            ),
            "stated_ticket_count": pm["stated_ticket_count"] if pm else None,
            "stated_accounts": pm["named_accounts"] if pm else None,
            "action_items": len(actions),
            "action_item_teams": sorted({a["team"].lower() for a in actions}),
        }
    writers, silent = per_incident("writers"), per_incident("silent")
    return {
        "seed": seed,
        "period": {"start": iso_text(PERIOD_START), "end": iso_text(PERIOD_END)},
        "incidents": incidents,
        "ticket_incident": {t.ticket_id: t.caused_by for t in tickets if t.caused_by},
        "planted_quiet": {i: sorted(writers[i] + silent[i]) for i in writers},
        "planted_silent_quiet": silent,
        "planted_recovered": per_incident("recovered"),
        "planted_already_quiet": {
            s["incident_id"]: ids(plan["declining"]) if s["incident_id"] == BILLING else []
            for s in STORIES
        },
        "declining_accounts": {
            "accounts": ids(plan["declining"]),
            "decline_from": DECLINE_FROM.isoformat(),
            "decline_until": DECLINE_UNTIL.isoformat(),
            "level_after": DECLINED_LEVEL,
        },
        "bad_rows": {"tickets.csv": bad_rows},
        "accounts_by_segment": {
            s.label.lower(): sum(1 for a in accounts if a.segment == s.label) for s in SEGMENTS
        },
    }
