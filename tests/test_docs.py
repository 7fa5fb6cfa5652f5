"""The README documents every setting, every input table and every command (as Datasette does)."""

from dataclasses import fields

import pytest

from aftermath import schema
from aftermath.cli import COMMANDS
from aftermath.settings import Settings
from tests.helpers import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()


@pytest.mark.parametrize("name", [f.name for f in fields(Settings)])
def test_every_setting_is_documented(name):
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_input_table_is_documented_with_an_example(table):
    assert f"`{table}`" in README


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_is_documented(command):
    assert f"`aftermath {command}" in README


def test_readme_opens_with_the_two_commands():
    opening = README[: README.index("## Your own data")]
    assert "make run" in opening and "make test" in opening
