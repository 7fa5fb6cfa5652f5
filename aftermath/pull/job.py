"""What one pull is asked to do, and what every vendor module asks of it: keys, the first
pull's start, the API client."""

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aftermath.progress import Progress
from aftermath.pull.http import Api, PullError

DEFAULT_OUT = Path("data/exports")
FIRST_PULL_DAYS = 730  # a first pull without --since reaches two years back


# Each vendor as its users write it, for messages (here, not in the vendor modules, which import
# Job: the registry that imports them would otherwise be imported back).
TITLES = {
    "statuspage": "Statuspage",
    "zendesk": "Zendesk",
    "pagerduty": "PagerDuty",
    "incident_io": "incident.io",
    "jira": "Jira",
    "intercom": "Intercom",
}


@dataclass
class Job:
    """What one pull is asked to do. `keys` holds the vendor's keys by variable name, read from
    the environment unless the caller (sync, with a key file) gave them."""

    source: str
    out: Path = DEFAULT_OUT
    since: datetime | None = None
    base_url: str | None = None
    url: str | None = None  # Statuspage: the page's own address
    subdomain: str | None = None  # Zendesk
    site: str | None = None  # Jira
    jql: str | None = None  # Jira
    progress: Progress = field(default_factory=Progress)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TITLES[self.source]

    def first_since(self) -> datetime:
        """Where a first pull starts: --since, else two years back (UTC)."""
        if self.since is not None:
            return self.since
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return today - timedelta(days=FIRST_PULL_DAYS)

    def key(self, name: str) -> str:
        value = self.keys.get(name) or os.environ.get(name, "")
        if not value.strip():
            raise PullError(
                f"{self.title}: {name} is not set; export it in the environment "
                f"(keys are never read from the command line or written anywhere)"
            )
        return value.strip()

    def api(self, base_url: str, **kwargs) -> Api:
        """The vendor's API at `base_url` (--base-url wins), with every key as a secret to
        scrub from messages."""
        url = self.base_url or base_url
        if not url.lower().startswith(("https://", "http://")):
            raise PullError(f"{self.title}: {url!r} is not a web address (https://...)")
        secrets = tuple(kwargs.pop("secrets", ()))
        return Api(self.title, url, self.progress, secrets=secrets, **kwargs)
