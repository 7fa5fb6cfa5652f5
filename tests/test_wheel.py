"""`pip install .` (not editable) gives a tool that runs: the SQL, the lexicon, the demo's stories
and the app ship inside the wheel, and the demo writes into the folder it runs in, not the package.

The wheel is installed without dependencies into a fresh virtual environment; the dependencies come
from the project's own environment through a path file (so the test needs no network), while our
packages come from the wheel alone: the checkout is neither the working folder nor on the path.
"""

import os
import shutil
import signal
import site
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR
from tests.served import free_port

PACKAGES = ("aftermath", "dashboard", "queries")
COPY_IGNORE = shutil.ignore_patterns("__pycache__")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv holding the built wheel of this checkout."""
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools leaves a build/ folder in the tree it builds.
    source = root / "source"
    source.mkdir()
    for package in PACKAGES:
        shutil.copytree(PROJECT_DIR / package, source / package, ignore=COPY_IGNORE)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_DIR / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", root, source],
        check=True,
        cwd=root,
    )
    (wheel,) = root.glob("aftermath-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pythons = list((venv / "lib").glob("python3.*"))
    (pythons[0] / "site-packages" / "project-deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    subprocess.run(
        [venv / "bin" / "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], check=True
    )
    return venv / "bin"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AFTERMATH_DB")}
    return env


def _package_files(bin_dir: Path) -> set[Path]:
    site_dir = next((bin_dir.parent / "lib").glob("python3.*")) / "site-packages"
    return {
        p for pkg in PACKAGES for p in (site_dir / pkg).rglob("*") if "__pycache__" not in p.parts
    }


def test_the_wheel_holds_the_sql_and_runs_demo_and_export(installed: Path, tmp_path: Path):
    where = subprocess.run(
        [installed / "python", "-c", "import aftermath, queries; print(aftermath.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=_clean_env(),
    ).stdout
    assert str(installed.parent) in where, "aftermath came from the checkout, not the wheel"
    before = _package_files(installed)
    assert any(p.name == "incident_impact.sql" for p in before)
    assert any(p.name == "lexicon.toml" for p in before)

    run = subprocess.run(
        [installed / "aftermath", "demo", "--db", "x.duckdb"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "x.duckdb").is_file()
    assert (tmp_path / "data" / "demo" / "incidents.json").is_file()  # below the folder it ran in
    assert _package_files(installed) == before, "the demo wrote into the installed package"

    # The installed app's overview runs on that database, from the installed package alone.
    page = (
        "import sys, dashboard\n"
        "from pathlib import Path\n"
        "from streamlit.testing.v1 import AppTest\n"
        "app = AppTest.from_file(str(Path(dashboard.__file__).parent / 'app.py'), "
        "default_timeout=120).run()\n"
        "assert not app.exception, app.exception\n"
        "print(app.title[0].value)\n"
    )
    shown = subprocess.run(
        [installed / "python", "-c", page],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env() | {"AFTERMATH_DB": str(tmp_path / "x.duckdb")},
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip(), "the overview drew no title"

    exported = subprocess.run(
        [installed / "aftermath", "export", "incident_impact", "--db", "x.duckdb"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    assert lines[0].startswith("incident_id,")
    assert len(lines) == 1 + 12  # the demo's twelve incidents

    # The default outreach template ships in the package.
    drafted = subprocess.run(
        [installed / "aftermath", "outreach", "INC-305", "--db", "x.duckdb", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    )
    assert drafted.returncode == 0, drafted.stderr
    assert drafted.stdout.startswith("priority,account_id,account_name,email_subject,body\n1,")


def test_the_wheel_serves_the_dashboard(installed: Path, tmp_path: Path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [installed / "aftermath", "serve", "--db", "y.duckdb", "--port", str(port)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_clean_env(),
        start_new_session=True,
    )
    try:
        # serve builds the demo first when no database exists yet, then starts Streamlit.
        for _ in range(240):
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "serve.log").read_text())
        assert (tmp_path / "y.duckdb").is_file()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
