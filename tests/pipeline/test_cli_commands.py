"""The make targets as commands (kommunsocial data, reports, municipality-reports, lab, sample,
clean), errors as one line, and what a report run prints on stderr."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kommunsocial.cli import main
from tests.pipeline.test_makefile import _notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project at tmp_path with a raw two-page dataset ``x`` (Fjordvik 1118, Sjöviks 0639)."""
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "x")
    monkeypatch.setenv("KOMMUNSOCIAL_ROOT", str(tmp_path))
    monkeypatch.delenv("KOMMUNSOCIAL_DEBUG", raising=False)
    assert main(["sample", "--out", str(tmp_path / "data" / "raw" / "x"), "--pages", "2", "--years", "0.1",
                 "--seed", "3"]) == 0
    return tmp_path


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_data_ingests_once_then_again_only_when_the_raw_files_change(project, capsys):
    capsys.readouterr()
    assert main(["data", "x", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("data/processed/x (not ingested yet): 2 pages")
    manifest = project / "data" / "processed" / "x" / "manifest.json"
    assert manifest.is_file() and (project / ".make" / "x.raw").is_file()
    assert main(["data", "x", "--quiet"]) == 0
    assert capsys.readouterr().out == "data/processed/x: up to date\n"
    with open(project / "data" / "raw" / "x" / "README.md", "a") as readme:  # any change to the folder
        readme.write("\nA note.\n")
    assert main(["data", "x", "--quiet"]) == 0
    assert "(the raw files changed)" in capsys.readouterr().out
    assert main(["data", "x", "--quiet", "--account", "fjordvik"]) == 0  # an X option: ingested again
    assert "(the X accounts changed)" in capsys.readouterr().out
    assert (project / ".make" / "x.accounts").read_text() == "fjordvik\n"  # as make writes ACCOUNTS


def test_data_without_raw_data_names_the_folder_and_the_datasets(project, capsys):
    assert main(["data", "nothing"]) == 1
    err = capsys.readouterr().err
    assert err == "kommunsocial: error: no raw data in data/raw/nothing/: put your exports there (see README.md). " \
                  "Datasets: x\n"


def test_clean_removes_processed_data_reports_and_stamps_never_raw(project, capsys):
    raw = project / "data" / "raw" / "x"
    before = _hashes(raw)
    assert main(["data", "x", "--quiet"]) == 0
    (project / "reports" / "x").mkdir(parents=True)
    (project / "reports" / "x" / "01.html").write_text("<p>")
    (project / "data" / "processed" / ".x.old-1234").mkdir()  # what a killed ingest leaves
    capsys.readouterr()
    assert main(["clean", "x"]) == 0
    out = capsys.readouterr().out
    assert "removed data/processed/x\n" in out and "removed reports/x\n" in out and "removed .make/x.raw\n" in out
    assert "removed data/processed/.x.old-1234\n" in out
    assert not (project / "data" / "processed" / "x").exists() and not (project / "reports" / "x").exists()
    assert not list((project / ".make").glob("x.*"))
    assert _hashes(raw) == before
    assert main(["clean", "x"]) == 0 and "nothing to remove for x" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["..", "../x", "a/b", ".hidden", ""])
def test_a_dataset_name_is_never_a_path(project, capsys, name):
    with pytest.raises(SystemExit) as exc:
        main(["clean", name])
    assert exc.value.code == 2 and "is not a dataset name" in capsys.readouterr().err
    assert (project / "data" / "raw" / "x").is_dir()


def test_sample_refuses_a_folder_of_somebody_elses_exports(project, capsys):
    export = project / "data" / "raw" / "mine"
    export.mkdir()
    (export / "posts.json").write_text('{"data": []}')
    assert main(["sample", "--out", str(export), "--pages", "1", "--years", "0.1"]) == 1
    assert "holds files that are not a kommunsocial sample" in capsys.readouterr().err
    assert (export / "posts.json").read_text() == '{"data": []}'
    before = _hashes(project / "data" / "raw" / "x")  # a sample folder is rewritten: the same files (seeded)
    assert main(["sample", "--out", str(project / "data" / "raw" / "x"), "--pages", "2", "--years", "0.1",
                 "--seed", "3"]) == 0
    assert _hashes(project / "data" / "raw" / "x") == before


def test_sample_without_options_writes_the_bundled_sample_where_make_does(monkeypatch):
    from kommunsocial import cli, config

    seen = {}

    def write_sample(folder=None, **kw):
        seen.update(folder=folder, **kw)
        raise cli.KommunsocialError("stop")

    monkeypatch.setattr("kommunsocial.workflow.write_sample", write_sample)
    assert main(["sample"]) == 1
    assert seen == {"folder": None, "format": "graph_api"}  # generate's own defaults: 12 pages, 2 years, seed 0
    assert "--out" not in (ROOT / "Makefile").read_text().split("\nsample:", 1)[1].split("\n\n")[0]
    assert config.raw_dir("sample").name == "sample"


def _notebooks(project):
    (project / "notebooks").mkdir()
    _notebook(project / "notebooks" / "01-fine.ipynb", "print(2 + 2)")
    _notebook(project / "notebooks" / "05-compare.ipynb", "print(5)")


def test_reports_ingests_runs_each_report_once_and_writes_the_index(project, capsys):
    _notebooks(project)
    capsys.readouterr()
    assert main(["reports", "x"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("data/processed/x (not ingested yet)")
    assert [Path(line).name for line in out[1:]] == ["01-fine.html", "05-compare.html", "index.html"]
    page = project / "reports" / "x" / "01-fine.html"
    built = page.stat().st_mtime_ns
    assert main(["reports", "x"]) == 0  # nothing changed: nothing runs again
    out = capsys.readouterr().out
    assert out.count("(up to date)") == 2 and page.stat().st_mtime_ns == built
    assert main(["report", "x", "-p", "n=3"]) == 0  # other parameters: run again (report is an alias)
    assert "(up to date)" not in capsys.readouterr().out
    executed = json.loads(page.with_suffix(".ipynb").read_text())
    assert executed["metadata"]["kommunsocial"]["parameters"] == {"dataset": "x", "n": 3}


def test_municipality_reports_a_set_per_municipality_without_the_comparison(project, capsys):
    _notebooks(project)
    assert main(["municipality-reports", "x", "--jobs", "2"]) == 0
    reports = project / "reports" / "x"
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.html")) == [
        "01-fine.html", "05-compare.html", "0639/01-fine.html", "1118/01-fine.html", "index.html"]
    meta = json.loads((reports / "0639" / "01-fine.ipynb").read_text())["metadata"]["kommunsocial"]
    assert meta["parameters"] == {"dataset": "x", "municipality": "0639"}  # the code as text
    assert "Failed reports" not in (reports / "index.html").read_text()


def test_lab_ingests_and_starts_jupyterlab_on_the_notebooks_with_this_python(project, capsys, monkeypatch):
    started = []

    class Lab:
        def __init__(self, command, cwd):
            started.append((command, cwd))

        def wait(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", Lab)
    assert main(["lab", "x", "--no-browser", "--port", "8899"]) == 0
    assert (project / "data" / "processed" / "x" / "manifest.json").is_file()
    assert started == [([sys.executable, "-m", "jupyterlab", str(project / "notebooks"), "--no-browser",
                         "--port=8899"], project)]


@pytest.mark.slow
def test_the_lab_command_runs():
    from kommunsocial.workflow import lab_command

    done = subprocess.run([*lab_command()[:3], "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip()[0].isdigit()


# -- errors -------------------------------------------------------------------------------------
def test_an_error_is_one_line_and_debug_shows_the_traceback(project, capsys, monkeypatch):
    from kommunsocial.report.run import ReportError

    assert main(["index", "nothing"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kommunsocial: error: no dataset 'nothing'")
    with pytest.raises(ReportError):
        main(["--debug", "index", "nothing"])
    monkeypatch.setenv("KOMMUNSOCIAL_DEBUG", "1")
    with pytest.raises(ReportError):
        main(["index", "nothing"])


def _cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KOMMUNSOCIAL_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kommunsocial.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def test_an_error_raised_in_a_notebook_is_one_line_naming_the_users_cell(tmp_path):
    nb = tmp_path / "01-coding.ipynb"
    _notebook(nb, "from kommunsocial.report.seminar import SeminarError\n"
                  "raise SeminarError('me: 9 codes for 10 posts')")
    done = _cli("run-notebook", str(nb), "--out", str(tmp_path / "out"), "--dataset", "x")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr == ('kommunsocial: error: 01-coding.ipynb: code cell 2 ("from kommunsocial.report.seminar '
                           'import SeminarError") failed: SeminarError: me: 9 codes for 10 posts\n')
    done = _cli("--debug", "run-notebook", str(nb), "--out", str(tmp_path / "out"), "--dataset", "x")
    assert "Traceback" in done.stderr and "SeminarError: me: 9 codes for 10 posts" in done.stderr
    # a SeminarError is one line in the notebook too (the seminar's own handler); any other error shows
    # the cell's own traceback under --debug
    other = tmp_path / "02-other.ipynb"
    _notebook(other, "def halve(n):\n    return n / 0\nhalve(1)")
    done = _cli("--debug", "run-notebook", str(other), "--out", str(tmp_path / "out"), "--dataset", "x")
    assert "Traceback" in done.stderr and "return n / 0" in done.stderr and "ZeroDivisionError" in done.stderr


@pytest.mark.skipif(os.name == "nt", reason="interrupts are signals on POSIX only")
def test_a_run_does_not_interrupt_its_kernel_nor_print_keyboardinterrupt(tmp_path):
    # the kernel is made to say when it gets SIGINT after its last cell (while idle it ignores
    # it, and inside a message handler it logs "KeyboardInterrupt caught in kernel")
    nb = tmp_path / "01-witness.ipynb"
    _notebook(nb, "import sys\nget_ipython().kernel.saved_sigint_handler = "
                  "lambda *a: print('SIGINT reached the kernel', file=sys.__stderr__, flush=True)")
    done = _cli("run-notebook", str(nb), "--out", str(tmp_path / "out"), "--dataset", "x", "--kernel", "python3")
    assert done.returncode == 0, done.stderr
    assert "SIGINT reached the kernel" not in done.stderr
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr


# -- the whole pipeline without make -------------------------------------------------------------
@pytest.mark.slow
def test_the_sample_pipeline_runs_without_make(tmp_path):
    """What a class on Windows types: kommunsocial sample, then kommunsocial reports, in a project
    folder of its own (the committed notebooks copied in)."""
    import shutil

    from kommunsocial.report.run import notebooks

    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KOMMUNSOCIAL_ROOT": str(tmp_path), "KOMMUNSOCIAL_SALT": "class"}
    env.pop("KOMMUNSOCIAL_DEBUG", None)

    def kommunsocial(*args):
        return subprocess.run([sys.executable, "-m", "kommunsocial.cli", *args], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=1800)

    done = kommunsocial("sample", "--pages", "6", "--years", "1")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "raw" / "sample" / "posts.json").is_file()
    done = kommunsocial("reports")
    assert done.returncode == 0, done.stderr
    reports = tmp_path / "reports" / "sample"
    names = [nb.stem for nb in notebooks(tmp_path / "notebooks")]
    assert len(names) >= 5 and all((reports / f"{name}.html").is_file() for name in names)
    assert (reports / "index.html").is_file() and not list(reports.rglob("*.failed.json"))
    assert "KeyboardInterrupt" not in done.stderr and "Traceback" not in done.stderr
    done = kommunsocial("reports")  # a second run: nothing to do
    assert done.returncode == 0 and done.stdout.count("(up to date)") == len(names)
