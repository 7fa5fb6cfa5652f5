"""Shared fixtures: tiny export folders written by the tests, and one demo database per run."""

import shutil
from pathlib import Path

import pytest

from aftermath.build.load import load

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set, generated and loaded once for the whole run."""
    from aftermath.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder)
    db = folder / "demo.duckdb"
    load(folder, db)
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
