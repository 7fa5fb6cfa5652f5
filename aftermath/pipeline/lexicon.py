"""The signal lexicon (`queries/lexicon.toml`), stored in the database being built.

The derived SQL matches tickets and action items against these tables, all through one text
normalisation: the `normalise_text(s)` macro stored here beside them (lowercase, apostrophes
dropped, every other run of non-letters and non-digits one space, one space padded at each end),
so a phrase is looked for as ' phrase ' in ' the text ' and matches whole words only.

Tables (phrases, cues and words normalised, without the padding):
- lexicon_phrases(signal, phrase, is_prefix, pattern): pattern is what to look for in a normalised
  text (' phrase ', or ' phrase' when the lexicon wrote `phrase*`).
- lexicon_negations(position, cue): position 'before' or 'after' a phrase.
- lexicon_exclusions(phrase): longer phrases inside which a signal phrase does not count.
- theme_tags(theme, tag): ticket tags meaning a theme, the theme's own name among them.
- theme_synonyms(theme, word, pattern): the words naming a theme in an action item, its name
  and tags among them.
- lexicon_tasks(task, phrase, is_prefix, pattern): the phrases naming what a customer was trying
  to finish (`[tasks]`), the task as the file spells it, matched like the signal phrases.

Beside them, the macros ticket_signals finds the signal phrases with (_store_matchers).
"""

import re
import tomllib
from pathlib import Path

import duckdb

from aftermath.errors import InputError
from aftermath.queries import LEXICON_FILE

SIGNALS = ("confusion", "trust_loss", "workaround", "urgent")

NORMALISE_TEXT = (
    "create or replace macro normalise_text(s) as ' ' || trim(regexp_replace("
    "replace(replace(lower(s), '''', ''), '’', ''), '[^\\p{L}\\p{N}]+', ' ', 'g')) || ' '"
)


def store_lexicon(con: duckdb.DuckDBPyConnection, path: Path = LEXICON_FILE) -> None:
    """Read the lexicon file and (re)create its tables and the normalise_text macro in `con`."""
    entries = _entries(Path(path))
    con.execute(NORMALISE_TEXT)
    con.execute(
        "create or replace temp table _lexicon_raw as select "
        "unnest($kinds) as kind, unnest($keys) as key, unnest($texts) as text, "
        "unnest($prefixes) as is_prefix",
        {
            "kinds": [e[0] for e in entries],
            "keys": [e[1] for e in entries],
            "texts": [e[2] for e in entries],
            "prefixes": [e[3] for e in entries],
        },
    )
    con.execute(
        "create or replace temp table _lexicon as select kind, key, is_prefix, "
        "trim(normalise_text(text)) as text from _lexicon_raw"
    )
    empty = con.execute("select key from _lexicon where text = '' limit 1").fetchone()
    if empty:
        raise _error(path, f"an entry of '{empty[0]}' has no letters or digits")
    con.execute(
        "create or replace table lexicon_phrases as select distinct key as signal, text as phrase, "
        "is_prefix, ' ' || text || if(is_prefix, '', ' ') as pattern "
        "from _lexicon where kind = 'phrase' order by signal, phrase"
    )
    con.execute(
        "create or replace table lexicon_negations as select distinct key as position, text as cue "
        "from _lexicon where kind = 'negation' order by position, cue"
    )
    con.execute(
        "create or replace table lexicon_exclusions as select distinct text as phrase "
        "from _lexicon where kind = 'exclusion' order by phrase"
    )
    _store_matchers(con)
    con.execute(
        "create or replace table theme_tags as select distinct key as theme, text as tag "
        "from _lexicon where kind = 'tag' order by theme, tag"
    )
    con.execute(
        "create or replace table theme_synonyms as select distinct key as theme, text as word, "
        "' ' || text || if(is_prefix, '', ' ') as pattern "
        "from _lexicon where kind in ('tag', 'word') order by theme, word"
    )
    con.execute(
        "create or replace table lexicon_tasks as select distinct key as task, text as phrase, "
        "is_prefix, ' ' || text || if(is_prefix, '', ' ') as pattern "
        "from _lexicon where kind = 'task' order by task, phrase"
    )
    con.execute("drop table _lexicon_raw; drop table _lexicon")


def _store_matchers(con: duckdb.DuckDBPyConnection) -> None:
    """The macros ticket_signals finds the signal phrases with, all spliced from the lexicon:
    normalised words are letters and digits only, nothing in them can break out of a literal or a
    pattern."""
    phrases = con.execute("select distinct phrase, is_prefix from lexicon_phrases").fetchall()
    not_counted = [
        text
        for (text,) in con.execute(
            "select cue from lexicon_negations union select phrase from lexicon_exclusions "
            "order by 1"
        ).fetchall()
    ]
    if not all(
        re.fullmatch(r"[^\W_]+( [^\W_]+)*", t) for t in [p for p, _ in phrases] + not_counted
    ):
        raise ValueError("lexicon phrases must be normalised")
    con.execute(f"create or replace macro may_hold_signal(s) as {_prefilter(phrases)}")
    con.execute(f"create or replace macro signal_matches(s) as {_matches(phrases)}")
    con.execute(f"create or replace macro signal_match_phrases(match) as {_match_phrases(phrases)}")
    # False for a normalised text that holds no negation cue and no exclusion: every phrase
    # found in it counts, so ticket_signals skips cutting them out.
    may_not_count = (
        f"regexp_matches(s, ' (?:{'|'.join(not_counted)}) ')" if not_counted else "false"
    )
    con.execute(f"create or replace macro may_not_count(s) as {may_not_count}")


def _prefilter(phrases: list[tuple[str, bool]]) -> str:
    """may_hold_signal(s): false for a text that can hold no signal phrase, so that
    ticket_signals normalises only the texts that might. It looks at the raw text, lowercased and
    without apostrophes: normalising only turns the other characters into spaces."""
    if not phrases:
        return "false"
    # The phrase's words with other characters between and around them (a `phrase*`: any
    # ending after the last), as normalising would find them. "Other" is wider here (any
    # character but a-z and 0-9): a letter like é passes a text too many, never one too few.
    other = "[^a-z0-9]"
    pattern = (
        f"(?:^|{other})(?:"
        + "|".join(
            sorted(
                f"{other}+".join(phrase.split(" ")) + ("" if is_prefix else f"(?:{other}|$)")
                for phrase, is_prefix in phrases
            )
        )
        + ")"
    )
    return f"regexp_matches(replace(replace(lower(s), '''', ''), '’', ''), '{pattern}')"


def _matches(phrases: list[tuple[str, bool]]) -> str:
    """signal_matches(s): what one scan of a normalised text finds with every phrase in one
    pattern, each match a phrase with its spaces doubled (signal_match_phrases reads it).

    The text's spaces are doubled first, so that a match takes one space on each side and leaves
    the other to its neighbour: regexp_extract_all then finds a phrase at every occurrence no
    earlier match covers. Every last word is matched with any ending (so that a `phrase*` is found
    at all), which may name a phrase the text does not hold: ticket_signals tests each exactly."""
    if not phrases:
        return "cast([] as varchar[])"
    pattern = (
        " (" + "|".join(sorted(phrase for phrase, _ in phrases)).replace(" ", "  ") + ")[^ ]* "
    )
    return f"regexp_extract_all(replace(s, ' ', '  '), '{pattern}', 1)"


def _match_phrases(phrases: list[tuple[str, bool]]) -> str:
    """signal_match_phrases(match): the phrases a match of signal_matches stands for. A match is
    one phrase where several start at one word ("charged", "charged twice") or overlap ("im not
    sure", "not sure if"), so it brings those it may cover besides its own."""
    words = {phrase: phrase.split(" ") for phrase, _ in phrases}
    branches = []
    for phrase in sorted(words):
        covered = [
            other
            for other in sorted(words)
            if other != phrase
            and (
                _may_overlap(words[phrase], words[other])
                or _may_overlap(words[other], words[phrase])
            )
        ]
        if covered:
            listed = ", ".join(f"'{p}'" for p in [phrase, *covered])
            branches.append(f"when '{phrase.replace(' ', '  ')}' then [{listed}]")
    own = "[replace(match, '  ', ' ')]"
    if not branches:
        return own
    return f"case match {' '.join(branches)} else {own} end"


def _may_overlap(first: list[str], second: list[str]) -> bool:
    """Whether a text can hold `second` starting at one of the words of `first`, each phrase's
    last word with any ending."""
    return any(
        all(
            _may_be_one_word(a, start + i == len(first) - 1, b, i == len(second) - 1)
            for i, (a, b) in enumerate(zip(first[start:], second, strict=False))
        )
        for start in range(len(first))
    )


def _may_be_one_word(a: str, a_open: bool, b: str, b_open: bool) -> bool:
    """Whether one word of a text can be both `a` and `b`, each with any ending when open."""
    if a_open and b_open:
        return a.startswith(b) or b.startswith(a)
    if a_open:
        return b.startswith(a)
    if b_open:
        return a.startswith(b)
    return a == b


def _entries(path: Path) -> list[tuple[str, str, str, bool]]:
    """(kind, key, text, is_prefix) for every entry of the file; raises InputError on a bad file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _error(
            path, "no such file; the signals need it (restore it from the project)"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise _error(path, f"not valid TOML: {e}") from None
    _only(path, "the file", data, {"signals", "negation", "exclusions", "themes", "tasks"})
    entries: list[tuple[str, str, str, bool]] = []
    signals = data.get("signals", {})
    _only(path, "[signals]", signals, set(SIGNALS))
    for signal, phrases in signals.items():
        entries += [("phrase", signal, *_star(path, p)) for p in _strings(path, signal, phrases)]
    negation = data.get("negation", {})
    _only(path, "[negation]", negation, {"before", "after"})
    for position, cues in negation.items():
        entries += [("negation", position, c, False) for c in _strings(path, position, cues)]
    exclusions = data.get("exclusions", {})
    _only(path, "[exclusions]", exclusions, {"phrases"})
    entries += [
        ("exclusion", "phrases", p, False)
        for p in _strings(path, "phrases", exclusions.get("phrases", []))
    ]
    themes = data.get("themes", {})
    if not isinstance(themes, dict):
        raise _error(path, "[themes] must be a table of [themes.<name>] tables")
    for theme, spec in themes.items():
        _only(path, f"[themes.{theme}]", spec, {"tags", "words"})
        entries.append(("tag", theme, theme, False))
        entries += [("tag", theme, t, False) for t in _strings(path, theme, spec.get("tags", []))]
        entries += [
            ("word", theme, *_star(path, w)) for w in _strings(path, theme, spec.get("words", []))
        ]
    tasks = data.get("tasks", {})
    _only(path, "[tasks]", tasks, set(tasks))
    for task, phrases in tasks.items():
        if not task.strip():
            raise _error(path, "[tasks] has a task without a name")
        entries += [("task", task.strip(), *_star(path, p)) for p in _strings(path, task, phrases)]
    return entries


def _star(path: Path, text: str) -> tuple[str, bool]:
    """A trailing * matches any ending of the last word, which needs three letters before it."""
    stripped = text.strip()
    if not stripped.endswith("*"):
        return stripped, False
    last_word = re.split(r"[\W_]+", stripped[:-1].replace("'", ""))[-1]
    if len(last_word) < 3:
        raise _error(path, f"'{text}': put at least three letters before the *")
    return stripped[:-1], True


def _strings(path: Path, name: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error(path, f"'{name}' must be a list of quoted phrases")
    return value


def _only(path: Path, where: str, value: object, known: set[str]) -> None:
    if not isinstance(value, dict):
        raise _error(path, f"{where} must be a table of named lists")
    unknown = sorted(set(value) - known)
    if unknown:
        raise _error(
            path, f"{where} has unknown key {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )


def _error(path: Path, message: str) -> Exception:
    return InputError(f"{path.name}: {message}")
