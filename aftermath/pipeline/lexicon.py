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
    _store_prefilter(con)
    con.execute(
        "create or replace table lexicon_negations as select distinct key as position, text as cue "
        "from _lexicon where kind = 'negation' order by position, cue"
    )
    con.execute(
        "create or replace table lexicon_exclusions as select distinct text as phrase "
        "from _lexicon where kind = 'exclusion' order by phrase"
    )
    con.execute(
        "create or replace table theme_tags as select distinct key as theme, text as tag "
        "from _lexicon where kind = 'tag' order by theme, tag"
    )
    con.execute(
        "create or replace table theme_synonyms as select distinct key as theme, text as word, "
        "' ' || text || if(is_prefix, '', ' ') as pattern "
        "from _lexicon where kind in ('tag', 'word') order by theme, word"
    )
    con.execute("drop table _lexicon_raw; drop table _lexicon")


def _store_prefilter(con: duckdb.DuckDBPyConnection) -> None:
    """The may_hold_signal(s) macro: false for a text that can hold no signal phrase, so that
    ticket_signals normalises and splits only the texts that might. It looks at the raw text,
    lowercased and without apostrophes: normalising only turns the other characters into spaces."""
    phrases = con.execute("select phrase, is_prefix from lexicon_phrases").fetchall()
    # Normalised words are letters and digits only: nothing in them can break out of the literal.
    if not all(re.fullmatch(r"[^\W_]+( [^\W_]+)*", phrase) for phrase, _ in phrases):
        raise ValueError("lexicon phrases must be normalised")
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
    test = (
        f"regexp_matches(replace(replace(lower(s), '''', ''), '’', ''), '{pattern}')"
        if phrases
        else "false"
    )
    con.execute(f"create or replace macro may_hold_signal(s) as {test}")


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
    _only(path, "the file", data, {"signals", "negation", "exclusions", "themes"})
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
