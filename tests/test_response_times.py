"""Response times per incident, and their medians and 90th percentiles, on three hand-made incidents.

All on 2024-03-0N from 10:00 UTC (minutes after the declared start):

| incident | detected | acknowledged | mitigated | resolved | first related ticket |
|---|---|---|---|---|---|
| INC-1 | 10 | 15 | 40 | 60 | 09:50, 10 before the start |
| INC-2 | 20 | 30 | 60 | 120 | 10:05, 5 after |
| INC-3 | 40 | – (not recorded) | 120 | 240 | none |

Customer impact (from the earlier of the start and the first ticket to resolution, no ticket after
it): INC-1 09:50 -> 11:00 = 70, INC-2 10:00 -> 12:00 = 120, INC-3 10:00 -> 14:00 = 240.
percentile_cont interpolates: for sorted values v1..vn the p-th percentile sits at position
1 + p (n - 1). Detect 10, 20, 40: median 20, p90 at 2.8 = 20 + 0.8 x 20 = 36. Acknowledge 15, 30
(INC-3 has none): median 22.5, p90 at 1.9 = 15 + 0.9 x 15 = 28.5. Mitigate 40, 60, 120: 60 and
60 + 0.8 x 60 = 108. Resolve 60, 120, 240: 120 and 216. Customers noticed -10, 5 (INC-3 has no
ticket): median -2.5, p90 -10 + 0.9 x 15 = 3.5. Customer impact 70, 120, 240: 120 and 216.
"""

from pathlib import Path

import duckdb
import pytest

from aftermath.pipeline.load import load
from aftermath.queries import run_query
from tests.helpers import rows, write_exports

INCIDENTS = """incident_id,title,severity,services,started_at,detected_at,acknowledged_at,mitigated_at,resolved_at
INC-1,Checkout down,SEV1,checkout,2024-03-01T10:00:00Z,2024-03-01T10:10:00Z,2024-03-01T10:15:00Z,2024-03-01T10:40:00Z,2024-03-01T11:00:00Z
INC-2,Search slow,SEV3,search,2024-03-02T10:00:00Z,2024-03-02T10:20:00Z,2024-03-02T10:30:00Z,2024-03-02T11:00:00Z,2024-03-02T12:00:00Z
INC-3,Exports stuck,SEV3,exports,2024-03-03T10:00:00Z,2024-03-03T10:40:00Z,,2024-03-03T12:00:00Z,2024-03-03T14:00:00Z
"""  # noqa: E501
TICKETS = """ticket_id,created_at,account_id,subject,incident_id
T1,2024-03-01T09:50:00Z,A1,Cannot pay,INC-1
T2,2024-03-02T10:05:00Z,A2,Search hangs,INC-2
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("times"), {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS}
    )
    load(folder, folder / "t.duckdb")
    return folder / "t.duckdb"


def test_each_incident_s_response_times(db):
    assert rows(
        db,
        "select incident_id, time_to_detect_minutes, time_to_acknowledge_minutes, "
        "time_to_mitigate_minutes, time_to_resolve_minutes, customers_time_to_detect_minutes, "
        "customer_impact_minutes from incident_response_times order by incident_id",
    ) == [
        ("INC-1", 10.0, 15.0, 40.0, 60.0, -10.0, 70.0),
        ("INC-2", 20.0, 30.0, 60.0, 120.0, 5.0, 120.0),
        ("INC-3", 40.0, None, 120.0, 240.0, None, 240.0),
    ]


def percentiles(db: Path, **filters: object) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = run_query(
            con,
            "pages/response_time_percentiles",
            **({"service": None, "severities": None} | filters),
        )
    finally:
        con.close()
    return [tuple(r) for r in frame.astype(object).where(frame.notna(), None).to_numpy()]


def test_medians_and_90th_percentiles(db):
    assert percentiles(db) == [
        ("time to detect", 3, 20.0, 36.0),
        ("time to acknowledge", 2, 22.5, 28.5),
        ("time to mitigate", 3, 60.0, 108.0),
        ("time to resolve", 3, 120.0, 216.0),
        ("customers noticed", 2, -2.5, 3.5),
        ("customer impact", 3, 120.0, 216.0),
    ]


def test_the_filters_narrow_the_incidents(db):
    # SEV3 only: INC-2 and INC-3. Acknowledge: INC-2's 30 alone.
    shown = percentiles(db, severities=[3])
    assert shown[1] == ("time to acknowledge", 1, 30.0, 30.0)
    assert shown[0] == ("time to detect", 2, 30.0, 38.0)  # 20, 40: 20 + 0.9 x 20
    # A service no incident has: every time measured on 0 incidents, shown empty.
    assert percentiles(db, service="nothing")[0] == ("time to detect", 0, None, None)
