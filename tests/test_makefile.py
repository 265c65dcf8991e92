"""The Makefile: help, the dry-run DAG, and parameter names that exist in the notebooks."""

import re
import subprocess
from pathlib import Path

import papermill as pm

import kommunsocial as ks

ROOT = Path(__file__).resolve().parent.parent


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
    assert len(runs) == len(ks.reports.notebooks(ROOT / "notebooks"))
    assert ingest < min(runs) and max(runs) < index


def test_municipality_codes_pass_as_text_into_their_own_folder():
    out = make("-n", "-B", "reports", "DATASET=mydata", "MUNICIPALITY=0187")
    assert "kommunsocial ingest data/raw/mydata --out data/processed/mydata" in out
    assert "--out reports/mydata/0187 --dataset mydata --municipality '0187'" in out


def test_every_parameter_the_makefile_passes_exists_in_every_notebook():
    recipe = (ROOT / "Makefile").read_text()
    passed = set(re.findall(r"run-notebook \$< .*", recipe)[0].split())
    flags = {f.lstrip("-") for f in passed if f.startswith("--") and f != "--out"}
    assert flags == {"dataset", "municipality"}
    for nb in ks.reports.notebooks(ROOT / "notebooks"):
        params = pm.inspect_notebook(str(nb))
        assert flags <= set(params), f"{nb.name} lacks {flags - set(params)}"


def test_municipality_reports_one_set_per_code_and_no_comparison_per_municipality():
    out = make("-n", "-B", "municipality-reports", "MUNICIPALITIES=0187 4631")
    per_muni = [line for line in out.splitlines() if "--out reports/sample/0187 " in line]
    names = {nb.stem for nb in ks.reports.notebooks(ROOT / "notebooks")}
    expected = {n for n in names if not n.startswith("05-")}
    assert {re.search(r"notebooks/(\S+)\.ipynb", line).group(1) for line in per_muni} == expected
    assert all("--municipality '0187'" in line for line in per_muni)
    assert "--out reports/sample/4631 " in out and "kommunsocial index sample" in out
