"""How far a load has got, on standard error as it goes, with the time since the load began.

On a terminal the step under way stands on a live line that each finished step replaces with its
result, so the screen keeps a log and shows what is running now; written to a file or a pipe,
each finished step is one plain line (nothing is overwritten in a log file). Silent when asked.

A step is said in the user's words (each file read, the checks, what was computed, with counts);
the load's internal steps (each table stored, each derived table built) are `detail`: their
lines only with `verbose`, and on a terminal the live line says the user's words for them.
"""

import sys
import time
from contextlib import contextmanager
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


class Progress:
    def __init__(
        self, stream: TextIO | None = None, enabled: bool = True, verbose: bool = False
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.verbose = enabled and verbose
        self.live = enabled and self.stream.isatty()
        self.began = time.monotonic()

    def _stamp(self) -> str:
        return f"[{time.monotonic() - self.began:7.1f} s]"

    @contextmanager
    def step(self, doing: str, detail: str | None = None):
        """Say `doing` while the block runs; the block may set `.done` to say what it did. With
        `detail` (the user's words for it), an internal step: its line only when verbose."""
        outcome = _Outcome()
        if self.live:
            shown = doing if detail is None or self.verbose else detail
            self.stream.write(f"{CLEAR_LINE}{self._stamp()} {shown} ...")
            self.stream.flush()
        started = time.monotonic()
        yield outcome
        if self.enabled and (detail is None or self.verbose):
            took = time.monotonic() - started
            self.say(f"{outcome.done or doing} ({took:.1f} s)")

    def say(self, text: str) -> None:
        """One finished line, with the time since the load began."""
        if self.enabled:
            line = f"{self._stamp()} {text}"
            self.stream.write(f"{CLEAR_LINE}{line}\n" if self.live else f"{line}\n")
            self.stream.flush()

    def note(self, text: str) -> None:
        """One line on its own (a pull's page, a rate limit waited on), stamped like a step."""
        if self.enabled:
            line = f"{self._stamp()} {text}"
            self.stream.write(f"{CLEAR_LINE}{line}\n" if self.live else f"{line}\n")
            self.stream.flush()


class _Outcome:
    done: str = ""


def rows_text(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


SILENT = Progress(enabled=False)
