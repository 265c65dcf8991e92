"""Shared fixtures: a fixed salt, the bundled sample ingested once per session into a temp folder."""

from __future__ import annotations

from pathlib import Path

import papermill
import pytest
from hypothesis import settings

# property tests draw the same examples on every run and machine: results are reproducible
settings.register_profile("kommunsocial", derandomize=True, print_blob=True)
settings.load_profile("kommunsocial")

import kommunsocial as ks

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_RAW = ROOT / "data" / "raw" / "sample"
SALT = "kommunsocial-test-salt"


@pytest.fixture(autouse=True)
def _no_project_salt(monkeypatch, tmp_path_factory):
    """Tests never create or read the project's salt file."""
    monkeypatch.setenv("KOMMUNSOCIAL_SALT_FILE", str(tmp_path_factory.getbasetemp() / "salt"))
    monkeypatch.delenv("KOMMUNSOCIAL_SALT", raising=False)


@pytest.fixture(scope="session")
def sample_processed(tmp_path_factory) -> Path:
    """The bundled sample ingested with the test salt into a temporary processed folder."""
    out = tmp_path_factory.mktemp("processed") / "sample"
    ks.ingest(SAMPLE_RAW, out, salt=SALT, progress=False)
    return out


@pytest.fixture(scope="session")
def sample_dataset(sample_processed) -> ks.Dataset:
    return ks.Dataset.read(sample_processed)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="session")
def executed(sample_processed, tmp_path_factory):
    """Every report notebook executed on the sample: ``(reports folder, {name: html path})``."""
    out = tmp_path_factory.mktemp("reports")
    pages = {}
    for nb in ks.report.run.notebooks(ROOT / "notebooks"):
        params = {"dataset": "sample", "data_dir": str(sample_processed)}
        if "out_dir" in papermill.inspect_notebook(str(nb)):
            params["out_dir"] = str(out / "exports")  # never write under reports/ in a test
        pages[nb.stem] = ks.report.run.run_notebook(nb, out, parameters=params)
    return out, pages


# Tests that ingest the bundled sample, execute notebooks, run make or the command line, or fuzz the
# readers take seconds to minutes: they are marked ``slow`` (``pytest -m "not slow"`` runs the rest in
# under a minute). ``make test`` runs the files in parallel (pytest-xdist, ``--dist loadfile``: a file's
# tests on one worker, so a module's executed notebooks are not executed again on another).
_SLOW_FIXTURES = {"sample_processed", "sample_dataset", "executed"}
_SLOW_FOLDERS = {"notebooks", "pipeline"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        folder = Path(str(item.fspath)).parent.name
        if used & _SLOW_FIXTURES or folder in _SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)
