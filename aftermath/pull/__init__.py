"""`aftermath pull SOURCE`: a vendor's API into DIR/SOURCE/, in the vendor's own record shape.

One module per vendor, each with `NAME`, `KEYS` (the environment variables its keys
come from), `options(job)` (what identifies the pull: site, query; never a key) and
`pull(job, output)` (the kept records of each kind, and the cursors the next pull starts from).
What the modules share: the API client and its pagination styles (`http`), the kept records,
state and the atomic swap of the folder (`store`).
"""

from aftermath.pull import (
    incident_io,
    intercom,
    jira,
    pagerduty,
    statuspage,
    zendesk,
)
from aftermath.pull.http import PullError
from aftermath.pull.job import DEFAULT_OUT, Job
from aftermath.pull.store import Output

SOURCES = {m.NAME: m for m in (statuspage, zendesk, pagerduty, incident_io, jira, intercom)}

__all__ = ["DEFAULT_OUT", "SOURCES", "Job", "PullError", "pull"]


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
