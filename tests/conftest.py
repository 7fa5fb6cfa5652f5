"""Shared fixtures: tiny export folders written by the tests, and one demo database per run.

Every DuckDB load a test makes is recorded as a hand-worked fixture (tests/helpers.py), and the
Spark engine's tests run last, so that they can load every one of them on both engines.
"""

import os
import shutil
from functools import wraps
from pathlib import Path

import pytest

import aftermath.pipeline.load
from tests.helpers import record_hand_worked

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPARK_TESTS = "test_spark_engine.py"
_load = aftermath.pipeline.load.load
_recorded_into: list[Path] = []


@wraps(_load)
def _recording_load(source_dir, db_path, *args, **kwargs):
    result = _load(source_dir, db_path, *args, **kwargs)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    plain = kwargs.get("engine", "duckdb") == "duckdb" and not kwargs.get("refresh")
    if plain and _recorded_into and test and SPARK_TESTS not in test:
        record_hand_worked(Path(db_path), test, _recorded_into[0])
    return result


# Before any test module imports it by name.
aftermath.pipeline.load.load = _recording_load


@pytest.fixture(scope="session", autouse=True)
def hand_worked_fixtures(tmp_path_factory: pytest.TempPathFactory) -> None:
    _recorded_into.append(tmp_path_factory.mktemp("hand_worked"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name == SPARK_TESTS)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set, generated and loaded once for the whole run."""
    from aftermath.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder)
    db = folder / "demo.duckdb"
    _load(folder, db)
    return db


@pytest.fixture
def realdata() -> Path:
    """../shared/realdata beside the project; skipped where this checkout stands alone."""
    path = SHARED / "realdata"
    if not path.is_dir():
        pytest.skip(f"real public exports not present at {path} (they live in ../shared)")
    return path


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
