"""`aftermath pull SOURCE`: a vendor's API into DIR/SOURCE/, in the vendor's own record shape.

One module per vendor, each with `NAME`, `TITLE`, `KEYS` (the environment variables its keys
come from), `options(job)` (what identifies the pull: site, query; never a key) and
`pull(job, output)` (the kept records of each kind, and the cursors the next pull starts from).
What the modules share: the API client and its pagination styles (`http`), the kept records,
state and the atomic swap of the folder (`store`).
"""

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aftermath.progress import Progress
from aftermath.pull import statuspage, zendesk
from aftermath.pull.http import Api, PullError
from aftermath.pull.store import Output

SOURCES = {m.NAME: m for m in (statuspage, zendesk)}
DEFAULT_OUT = Path("data/exports")
FIRST_PULL_DAYS = 730  # a first pull without --since reaches two years back

__all__ = ["SOURCES", "Job", "PullError", "pull"]


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
        return SOURCES[self.source].TITLE

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
        secrets = tuple(kwargs.pop("secrets", ()))
        return Api(self.title, self.base_url or base_url, self.progress, secrets=secrets, **kwargs)


def pull(job: Job) -> str:
    """Pull one source into job.out/SOURCE and swap it in; a line saying what it holds."""
    module = SOURCES[job.source]
    options = module.options(job)
    output = Output(job.out, job.source, options)
    if output.restarted:
        job.progress.note(
            f"{job.title}: the options differ from the last pull's ({output.final}): "
            "pulling afresh, from --since"
        )
    try:
        kept, cursors = module.pull(job, output)
        output.commit(kept, cursors)
    except BaseException:
        output.discard()
        raise
    return f"{job.title}: " + ", ".join(r.summary() for r in kept) + f" → {output.final}"
