"""The Makefile: help, the dry-run DAG, and parameter names that exist in the notebooks."""

import re
import subprocess
from pathlib import Path

import papermill as pm

import kommunsocial as ks

ROOT = Path(__file__).resolve().parents[2]


def make(*args):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def test_help_lists_the_targets():
    out = make("help")
    for target in ("reports", "test", "lab", "env", "data", "clean", "sample"):
        assert re.search(rf"^{target}\s+:", out, re.MULTILINE), target


def test_dry_run_builds_data_then_each_report_then_the_index():
    out = make("-n", "-B", "reports")
    lines = out.splitlines()
    ingest = next(i for i, line in enumerate(lines) if "kommunsocial ingest data/raw/sample" in line)
    runs = [i for i, line in enumerate(lines) if "kommunsocial run-notebook" in line]
    index = next(i for i, line in enumerate(lines) if "kommunsocial index sample" in line)
    assert len(runs) == len(ks.report.run.notebooks(ROOT / "notebooks"))
    assert ingest < min(runs) and max(runs) < index


def test_municipality_codes_pass_as_text_into_their_own_folder():
    out = make("-n", "-B", "reports", "DATASET=mydata", "MUNICIPALITY=0187")
    assert "kommunsocial ingest data/raw/mydata --out data/processed/mydata" in out
    assert "--out reports/mydata/0187 --dataset mydata --municipality '0187'" in out


def test_every_parameter_the_makefile_passes_exists_in_every_notebook():
    recipe = (ROOT / "Makefile").read_text()
    passed = set(re.findall(r"run-notebook \$< .*", recipe)[0].split())
    # --out and --record-failure are run-notebook's own, not notebook parameters
    flags = {f.lstrip("-") for f in passed if f.startswith("--") and f not in ("--out", "--record-failure")}
    assert flags == {"dataset", "municipality"}
    for nb in ks.report.run.notebooks(ROOT / "notebooks"):
        params = pm.inspect_notebook(str(nb))
        assert flags <= set(params), f"{nb.name} lacks {flags - set(params)}"


def test_municipality_reports_one_set_per_code_and_no_comparison_per_municipality():
    out = make("-n", "-B", "municipality-reports", "MUNICIPALITIES=0187 4631")
    per_muni = [line for line in out.splitlines() if "--out reports/sample/0187 " in line]
    names = {nb.stem for nb in ks.report.run.notebooks(ROOT / "notebooks")}
    expected = {n for n in names if not n.startswith("05-")}
    assert {re.search(r"notebooks/(\S+)\.ipynb", line).group(1) for line in per_muni} == expected
    assert all("--municipality '0187'" in line for line in per_muni)
    assert "--out reports/sample/4631 " in out and "kommunsocial index sample" in out


# -- the raw folder as one content stamp ----------------------------------------------------------
def project(tmp_path):
    """A copy of the Makefile in an empty project whose environment is this interpreter (and this
    checkout's package), with a raw dataset ``x``: ``run(*args)`` runs make there."""
    import os
    import shutil
    import sys

    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    os.utime(tmp_path / "pyproject.toml", (946684800, 946684800))  # older than the environment's stamp
    bin_ = tmp_path / "venv" / "bin"
    bin_.mkdir(parents=True)
    (bin_ / "kommunsocial").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kommunsocial.cli "$@"\n')
    (bin_ / "kommunsocial").chmod(0o755)
    (tmp_path / "venv" / ".installed").touch()
    raw = tmp_path / "data" / "raw" / "x"
    raw.mkdir(parents=True)
    (raw / "posts.json").write_text('{"data": []}\n')
    (tmp_path / "data" / "processed" / "x").mkdir(parents=True)  # for `make -t` to touch the manifest in
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KOMMUNSOCIAL_SALT": "test"}

    def run(*args):
        done = subprocess.run(["make", "--no-print-directory", "DATASET=x", "VENV=venv", *args], cwd=tmp_path,
                              capture_output=True, text=True, env=env)
        assert done.returncode in (0, 1), done.stderr
        return done.returncode

    return raw, run


def test_make_sees_files_added_with_old_times_deleted_or_replaced_in_place(tmp_path):
    import os

    raw, run = project(tmp_path)
    assert run("-q", "data") == 1  # nothing built yet
    assert run("-t", "data") == 0 and run("-q", "data") == 0  # built (touched): up to date

    added = raw / "posts (1).json"  # a name with a space and parentheses, as a second download gets
    added.write_text('{"data": [1]}\n')
    os.utime(added, (978307200, 978307200))  # kept from 2001 as unzip or cp -p keep it
    assert run("-q", "data") == 1
    run("-t", "data")
    assert run("-q", "data") == 0

    os.utime(raw / "posts.json")  # touched, same content: nothing to do
    assert run("-q", "data") == 0

    st = added.stat()
    added.write_text('{"data": [2]}\n')  # same size, same modification time, other content
    os.utime(added, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert run("-q", "data") == 1
    run("-t", "data")

    added.unlink()
    assert run("-q", "data") == 1
    run("-t", "data")
    assert run("-q", "data") == 0
    assert "posts (1).json" not in (tmp_path / "Makefile").read_text()


def test_accounts_reach_the_ingest_and_a_change_redoes_it(tmp_path):
    raw, run = project(tmp_path)
    out = subprocess.run(["make", "--no-print-directory", "-n", "-B", "data", "DATASET=x", "VENV=venv",
                          "ACCOUNTS=sjovikskommun,fjordvik kommune"], cwd=tmp_path, capture_output=True, text=True,
                         check=True).stdout
    assert "kommunsocial ingest data/raw/x --out data/processed/x --account 'sjovikskommun,fjordvik kommune'" in out
    assert run("-t", "data") == 0 and run("-q", "data") == 0  # without ACCOUNTS: built
    stamp = tmp_path / ".make" / "x.accounts"
    assert stamp.read_text() == "\n"
    assert run("-q", "data", "ACCOUNTS=sjovikskommun") == 1  # named now: the ingest is redone
    assert stamp.read_text() == "sjovikskommun\n"
    run("-t", "data", "ACCOUNTS=sjovikskommun")
    before = stamp.stat().st_mtime_ns
    assert run("-q", "data", "ACCOUNTS=sjovikskommun") == 0 and stamp.stat().st_mtime_ns == before
    assert run("-q", "data", "ACCOUNTS=sjovikskommun,fjordvikkommune") == 1
    run("-t", "data", "ACCOUNTS=sjovikskommun,fjordvikkommune")
    assert run("-q", "data") == 1  # no longer named: redone too


def test_the_stamp_is_rewritten_only_when_the_content_changed(tmp_path):
    from kommunsocial.rawdigest import digest, update_stamp

    raw, _ = project(tmp_path)
    stamp = tmp_path / ".make" / "x.raw"
    assert update_stamp(raw, stamp) is True
    assert stamp.read_text() == digest(raw) + "\n"
    before = stamp.stat().st_mtime_ns
    assert update_stamp(raw, stamp) is False and stamp.stat().st_mtime_ns == before
    (raw / ".hidden").write_text("editor swap file")  # hidden files are not data
    assert update_stamp(raw, stamp) is False
    (raw / "sub").mkdir()
    (raw / "sub" / "comments.jsonl").write_text("{}\n")
    assert update_stamp(raw, stamp) is True
    # the digest is of names, sizes and contents: computed here by hand for a one-file folder
    import hashlib

    one = tmp_path / "one"
    one.mkdir()
    (one / "å b.csv").write_bytes(b"id\n1\n")
    line = f"{hashlib.sha256(b'id' + bytes([10]) + b'1' + bytes([10])).hexdigest()}\t5\tå b.csv\n"
    assert digest(one) == hashlib.sha256(line.encode()).hexdigest()


# -- MUNICIPALITY by name, unknown ones, and failing notebooks -------------------------------------
def processed_project(tmp_path):
    """``project`` with a real two-page dataset ``x`` (Fjordvik kommune 1118, Sjöviks kommun 0639)
    ingested, and the package's commands working in the copy (KOMMUNSOCIAL_ROOT)."""
    import os

    raw, _ = project(tmp_path)
    (raw / "posts.json").unlink()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KOMMUNSOCIAL_SALT": "test", "KOMMUNSOCIAL_ROOT": str(tmp_path)}
    kommunsocial = [str(tmp_path / "venv" / "bin" / "kommunsocial")]
    for args in (["sample", "--out", str(raw), "--pages", "2", "--years", "0.1", "--seed", "3", "--format", "graph_api"],
                 ["ingest", str(raw), "--out", str(tmp_path / "data" / "processed" / "x"), "--quiet"]):
        subprocess.run(kommunsocial + args, env=env, check=True, capture_output=True)

    def run(*args):
        return subprocess.run(["make", "--no-print-directory", "DATASET=x", "VENV=venv", *args], cwd=tmp_path,
                              capture_output=True, text=True, env=env)

    return run


def test_municipality_by_name_with_spaces_code_or_page_id(tmp_path):
    import shutil

    run = processed_project(tmp_path)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "01-data-quality.ipynb", tmp_path / "notebooks")
    for given, quoted in (("Sjöviks kommun", "'Sjöviks kommun'"), ("0639", "'0639'")):
        done = run("-n", "reports", f"MUNICIPALITY={given}")
        assert done.returncode == 0, done.stderr
        folder = given.replace(" ", "_")
        assert (f"--out reports/x/{folder} --dataset x --municipality {quoted} --record-failure"
                in done.stdout), done.stdout
    assert not (tmp_path / "reports").exists()  # a dry run


def test_an_unknown_municipality_fails_before_any_notebook_and_leaves_no_folder(tmp_path):
    import shutil

    run = processed_project(tmp_path)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "01-data-quality.ipynb", tmp_path / "notebooks")
    done = run("reports", "MUNICIPALITY=0000")
    assert done.returncode == 2 and "run-notebook" not in done.stdout
    assert "no municipality named '0000'" in done.stderr
    assert "Fjordvik kommune (1118)" in done.stderr and "Sjöviks kommun (0639)" in done.stderr
    assert not (tmp_path / "reports").exists()


def _notebook(path, source):
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('dataset = "sample"\nmunicipality = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), params, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_a_failing_notebook_is_listed_by_the_index_and_fails_make_at_the_end(tmp_path):
    import json

    run = processed_project(tmp_path)
    (tmp_path / "notebooks").mkdir()
    _notebook(tmp_path / "notebooks" / "01-broken.ipynb", 'raise ValueError("<b>bad</b> & worse")')
    _notebook(tmp_path / "notebooks" / "02-fine.ipynb", "print(2 + 2)")
    done = run("reports")
    assert done.returncode == 2, done.stderr  # make's status for a failed recipe: the index's
    reports = tmp_path / "reports" / "x"
    assert (reports / "02-fine.html").is_file()  # built after the failure
    assert not (reports / "01-broken.html").exists()
    record = json.loads((reports / "01-broken.failed.json").read_text())
    assert record["notebook"] == "01-broken.ipynb" and "ValueError: <b>bad</b> & worse" in record["error"]
    index = (reports / "index.html").read_text()
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt; &amp; worse" in index and "<b>bad</b>" not in index
    assert "1 report(s) failed" in done.stderr
    assert run("-q", "reports").returncode == 1  # the failed report is still to be built

    _notebook(tmp_path / "notebooks" / "01-broken.ipynb", "print(1)")  # fixed
    done = run("reports")
    assert done.returncode == 0, done.stderr
    assert (reports / "01-broken.html").is_file() and not (reports / "01-broken.failed.json").exists()
    assert "Failed reports" not in (reports / "index.html").read_text()
    assert run("-q", "reports").returncode == 0


def test_the_ingest_code_is_the_same_list_for_make_and_the_command():
    # the Makefile and kommunsocial.workflow each decide when an ingest is out of date
    from kommunsocial.workflow import INGEST_CODE

    line = next(l for l in (ROOT / "Makefile").read_text().splitlines() if l.startswith("INGEST_CODE :="))
    listed = re.search(r"\$\(filter ([^,]+),", line).group(1).split()
    assert [p.removeprefix("kommunsocial/").replace("%", "") for p in listed] == list(INGEST_CODE)
