"""`aftermath pull pagerduty`: PagerDuty answered on 127.0.0.1, in windows of creation time,
paged by offset while `more`, a window over the offset cap split in halves.

Incidents: DevLake's real recording of account keon-test (#4, #5, #6 on 2022-11-03, their log
entries served by `/log_entries`), Faros's real dev-devcube incidents (#1-#3, October 2021,
with their trigger log entries) and the REST reference's example PT4KHLK (2015-10-06), all in
../shared/realdata. The fake answers one record a page, so every window of two pages.
"""

import csv
import json
from datetime import datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request

from aftermath.pull import pagerduty
from aftermath.pull.store import read_state
from tests.pull_helpers import db_rows, holds_secret, load_counts, pull, serve

KEY = "pd-key-s3cr3t-4444"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class FakePagerDuty:
    def __init__(self, server: HTTPServer, realdata: Path) -> None:
        peer = realdata / "peer"
        with open(peer / "devlake/pagerduty/raw_tables/_raw_pagerduty_incidents.csv") as f:
            devlake = [json.loads(row["data"]) for row in csv.DictReader(f)]
        faros = peer / "faros/source/pagerduty-source/test_files"
        example = json.loads(
            (realdata / "formats/pagerduty/pagerduty_openapi_examples.json").read_text()
        )
        self.incidents = {
            i["id"]: i
            for i in [
                *({k: v for k, v in i.items() if k != "log_entries"} for i in devlake),
                *json.loads((faros / "incidents.json").read_text()),
                *example["GET /incidents"]["incidents"],
            ]
        }
        self.log_entries = [
            *(e for i in devlake for e in i["log_entries"]),
            *json.loads((faros / "incidentLogEntries.json").read_text()),
            *example["GET /incidents/{id}/log_entries"]["log_entries"],
        ]
        self.windows: list[tuple[str, str]] = []
        serve(server, "/incidents", self.listing("incidents"), {3: 429})
        serve(server, "/log_entries", self.listing("log_entries"), {5: 503})
        serve(
            server,
            "/incidents/Q3CZAU7Q4008QD",
            lambda r: {"incident": self.incidents["Q3CZAU7Q4008QD"]},
        )

    def listing(self, key: str):
        def answer(request: Request) -> dict:
            args = request.args
            low, high = at(args["since"]), at(args["until"])
            records = self.incidents.values() if key == "incidents" else self.log_entries
            found = sorted(
                (r for r in records if low <= at(r["created_at"]) < high),
                key=lambda r: r["created_at"],
            )
            if key == "incidents" and args["offset"] == "0":
                self.windows.append((args["since"], args["until"]))
            offset = int(args["offset"])
            page = {
                key: found[offset : offset + 1],
                "limit": 1,
                "offset": offset,
                "more": offset + 1 < len(found),
            }
            return page | ({"total": len(found)} if args.get("total") == "true" else {})

        return answer


def test_pull_in_windows_then_the_changes_of_older_incidents(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PAGERDUTY_API_KEY", KEY)
    # A window may hold 2 records: October 2021's 3 incidents make it split.
    monkeypatch.setattr(pagerduty, "OFFSET_CAP", 2)
    fake = FakePagerDuty(httpserver, realdata)
    out = tmp_path / "exports"
    args = ("pagerduty", "--base-url", httpserver.url_for("/"), "--out", str(out))
    assert pull(*args, "--since", "2015-10-01") == 0
    captured = capsys.readouterr()
    assert "PagerDuty: rate limited (429), waiting 0 s" in captured.err
    assert "PagerDuty: server error (503), waiting 0 s" in captured.err
    # 3 + 3 + 1 incidents; log entries: 31 + 5 + 8 (DevLake), 3 (Faros), 1 (the example).
    assert "7 incidents (7 new, 0 changed), 48 log entries (48 new, 0 changed)" in captured.out
    first = fake.windows[0]
    assert first == ("2015-10-01T00:00:00Z", "2015-12-30T00:00:00Z")  # 90 days
    # 90-day windows from 2015-10-01: 2021-08-30..11-28 holds the 3 October incidents (the
    # 27th, the 29th twice), halved while a half holds more than 2.
    split = [w for w in fake.windows if w[1] >= "2021-10" and w[0] <= "2021-10-30"]
    assert split == [
        ("2021-08-30T00:00:00Z", "2021-11-28T00:00:00Z"),  # 3
        ("2021-08-30T00:00:00Z", "2021-10-14T00:00:00Z"),  # 0
        ("2021-10-14T00:00:00Z", "2021-11-28T00:00:00Z"),  # 3
        ("2021-10-14T00:00:00Z", "2021-11-05T12:00:00Z"),  # 3
        ("2021-10-14T00:00:00Z", "2021-10-25T06:00:00Z"),  # 0
        ("2021-10-25T06:00:00Z", "2021-11-05T12:00:00Z"),  # 3
        ("2021-10-25T06:00:00Z", "2021-10-30T21:00:00Z"),  # 3
        ("2021-10-25T06:00:00Z", "2021-10-28T01:30:00Z"),  # 1, the 27th: one page
        ("2021-10-28T01:30:00Z", "2021-10-30T21:00:00Z"),  # 2, the 29th's: two pages
    ]
    assert load_counts(out, tmp_path / "a.duckdb", ("incidents",)) == {"incidents": 7}
    timeline = db_rows(
        tmp_path / "a.duckdb",
        "select incident_id, acknowledged_at, resolved_at from incidents "
        "where incident_id in ('Q3YON8WNWTZMRQ', 'Q3CZAU7Q4008QD', 'Q1OHFWFP3GPXOG') "
        "order by incident_id",
    )
    # DevLake's figures: #6 acknowledged 10 s after its 06:45:36 start, resolved at 06:51:44
    # (368 s); #5 acknowledged at 06:44:37 (9 s), still open; #4 first acknowledged 06:23:07.
    assert [(i, str(a), str(r)) for i, a, r in timeline] == [
        ("Q1OHFWFP3GPXOG", "2022-11-03 06:45:46", "2022-11-03 06:51:44"),
        ("Q3CZAU7Q4008QD", "2022-11-03 06:44:37", "None"),
        ("Q3YON8WNWTZMRQ", "2022-11-03 06:23:07", "None"),
    ]

    # Next night: #5 (created 2022) is resolved; its resolve entry is new since the last pull.
    until = read_state(out / "pagerduty")["cursors"]["until"]
    fake.incidents["Q3CZAU7Q4008QD"] = {
        **fake.incidents["Q3CZAU7Q4008QD"],
        "status": "resolved",
        "resolved_at": until,
    }
    fake.log_entries.append(
        {
            "id": "RNEWRESOLVE",
            "type": "resolve_log_entry",
            "created_at": until,
            "incident": {"id": "Q3CZAU7Q4008QD", "type": "incident_reference"},
        }
    )
    fake.windows.clear()
    assert pull(*args) == 0
    assert (
        "7 incidents (0 new, 1 changed), 49 log entries (1 new, 0 changed)"
        in capsys.readouterr().out
    )
    assert fake.windows[0][0] == until
    assert holds_secret(tmp_path, KEY) == []
