"""The Slurm scripts of hpc/, run without Slurm: a fake ``kommunsocial`` and ``sbatch`` record what they were asked."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HPC = Path(__file__).resolve().parents[2] / "hpc"
CODES = ["0114", "0180", "1480", "4631", "page 7"]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the scripts are bash")

# Answers as the real command does: `municipalities` one code per line, `municipality` the folder
# name, `run-notebook` writes NAME.failed.json for the notebooks named in $FAIL. Every call is logged.
FAKE_KS = r"""#!/bin/bash
printf '%s\n' "$*" >> "$CALLS"
case $1 in
  municipalities) printf '%s\n' "0114" "0180" "1480" "4631" "page 7" ;;
  municipality) echo "${3// /_}" ;;
  run-notebook)
    name=$(basename "$2" .ipynb); mkdir -p "$4"
    case " ${FAIL:-} " in *" $name "*) echo '{}' > "$4/$name.failed.json" ;; esac ;;
esac
"""
# sbatch --parsable: job ids 101, 102, … ("id;cluster" as a federated cluster prints it)
FAKE_SBATCH = r"""#!/bin/bash
n=$(( $(cat "$CALLS.n" 2>/dev/null || echo 100) + 1 )); echo $n > "$CALLS.n"
printf 'sbatch %s\n' "$*" >> "$CALLS"
echo "$n;cluster"
"""


@pytest.fixture()
def root(tmp_path):
    """A project folder with report notebooks (empty files: the fake command does not read them)."""
    for name in ("01-data-quality", "02-tone", "03-engagement", "04-interaction-network", "05-compare-municipalities"):
        (tmp_path / "notebooks").mkdir(exist_ok=True)
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text("{}")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for name, text in (("kommunsocial", FAKE_KS), ("sbatch", FAKE_SBATCH)):
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    return tmp_path


def run(root, script, *args, **env):
    environ = {**os.environ, "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}", "CALLS": str(root / "calls"),
               "KOMMUNSOCIAL_ROOT": str(root), **env}
    for name in ("SLURM_ARRAY_TASK_ID", "KS_OFFSET", "KS_NOTEBOOKS", "SLURM_SUBMIT_DIR"):
        if name not in env:
            environ.pop(name, None)
    done = subprocess.run(["bash", str(HPC / script), *args], cwd=root, env=environ, capture_output=True, text=True,
                          timeout=60)
    calls = (root / "calls").read_text().splitlines() if (root / "calls").is_file() else []
    return done, calls


def notebook_runs(calls):
    return [c for c in calls if c.startswith("run-notebook")]


def test_task_runs_its_municipalitys_reports_but_not_the_comparison(root):
    done, calls = run(root, "municipality.slurm", "country", SLURM_ARRAY_TASK_ID="1")
    assert done.returncode == 0, done.stderr
    assert calls[0] == "municipalities country"
    assert calls[1] == "municipality country 0180"
    assert notebook_runs(calls) == [
        f"run-notebook notebooks/{n}.ipynb --out reports/country/0180 --dataset country --municipality 0180 "
        "--record-failure" for n in ("01-data-quality", "02-tone", "03-engagement", "04-interaction-network")]
    assert "municipality 0180 -> reports/country/0180" in done.stdout


def test_task_reads_the_submitted_list_with_its_offset(root):
    (root / "list.txt").write_text("4631\n1480\npage 7\n")
    done, calls = run(root, "municipality.slurm", "country", "list.txt", SLURM_ARRAY_TASK_ID="0", KS_OFFSET="2")
    assert done.returncode == 0, done.stderr
    assert "municipalities country" not in calls  # the list, not the dataset as it may be now
    assert calls[0] == "municipality country page 7"
    assert all("--out reports/country/page_7 --dataset country --municipality page 7 " in c
               for c in notebook_runs(calls))


def test_task_beyond_the_list_stops_with_the_reason(root):
    done, calls = run(root, "municipality.slurm", "country", SLURM_ARRAY_TASK_ID="5")
    assert done.returncode == 2
    assert "lists only 5 municipalities" in done.stderr and "hpc/submit.sh again" in done.stderr
    assert notebook_runs(calls) == []


def test_task_fails_when_a_report_failed_after_running_the_others(root):
    done, calls = run(root, "municipality.slurm", "country", SLURM_ARRAY_TASK_ID="0", FAIL="02-tone")
    assert done.returncode == 1
    assert len(notebook_runs(calls)) == 4  # 03 and 04 ran after 02 failed
    assert (root / "reports" / "country" / "0114" / "02-tone.failed.json").is_file()


def test_task_outside_an_array_is_refused(root):
    done, calls = run(root, "municipality.slurm", "country")
    assert done.returncode != 0 and "submit this script as a job array" in done.stderr
    assert calls == []


def test_finish_runs_every_dataset_report_then_the_index(root):
    done, calls = run(root, "finish.slurm", "country")
    assert done.returncode == 0, done.stderr
    assert [c.split()[1] for c in notebook_runs(calls)] == sorted(
        f"notebooks/{p.name}" for p in (root / "notebooks").glob("*.ipynb"))
    assert all(" --out reports/country --dataset country --record-failure" in c for c in notebook_runs(calls))
    assert calls[-1] == "index country"


def _processed(root):
    (root / "data" / "processed" / "country").mkdir(parents=True)
    (root / "data" / "processed" / "country" / "manifest.json").write_text("{}")


def test_submit_writes_the_list_and_chains_array_and_final_job(root):
    _processed(root)
    done, calls = run(root, "submit.sh", "country", KS_PARALLEL="8")
    assert done.returncode == 0, done.stderr
    assert (root / "reports" / "country" / ".slurm" / "municipalities.txt").read_text().splitlines() == CODES
    jobs = [c for c in calls if c.startswith("sbatch")]
    assert jobs == [
        "sbatch --parsable --array=0-4%8 --output=reports/country/.slurm/%x-%A_%a.out --export=ALL,KS_OFFSET=0 "
        f"{HPC}/municipality.slurm country reports/country/.slurm/municipalities.txt",
        "sbatch --parsable --dependency=afterany:101 --output=reports/country/.slurm/%x-%j.out "
        f"{HPC}/finish.slurm country"]
    assert "array job 101" in done.stdout and "job 102 (after 101)" in done.stdout


def test_submit_splits_arrays_beyond_the_clusters_limit(root):
    _processed(root)
    done, calls = run(root, "submit.sh", "country", KS_ARRAY_LIMIT="2")
    assert done.returncode == 0, done.stderr
    jobs = [c for c in calls if c.startswith("sbatch")]
    assert [(j.split()[2], j.split()[4]) for j in jobs[:3]] == [
        ("--array=0-1%50", "--export=ALL,KS_OFFSET=0"), ("--array=0-1%50", "--export=ALL,KS_OFFSET=2"),
        ("--array=0-0%50", "--export=ALL,KS_OFFSET=4")]
    assert "--dependency=afterany:101:102:103" in jobs[3]


def test_submit_ingests_first_when_the_dataset_is_not_processed(root):
    (root / "data" / "raw" / "country").mkdir(parents=True)
    done, calls = run(root, "submit.sh", "country")
    assert done.returncode == 0, done.stderr
    assert calls == [f"sbatch --parsable --output=reports/country/.slurm/%x-%j.out --export=ALL,KS_THEN_SUBMIT=1,"
                     f"KS_INGEST=0,KS_SUBMIT={HPC}/submit.sh {HPC}/ingest.slurm country"]
    # the ingest job, once done, submits the reports
    _processed(root)
    done, calls = run(root, "ingest.slurm", "country", KS_THEN_SUBMIT="1", KS_SUBMIT=str(HPC / "submit.sh"))
    assert done.returncode == 0, done.stderr
    assert "ingest data/raw/country --out data/processed/country --quiet" in calls
    assert sum(c.startswith("sbatch") and "municipality.slurm" in c for c in calls) == 1


def test_submit_without_raw_data_says_where_it_looked(root):
    done, calls = run(root, "submit.sh", "nothing")
    assert done.returncode == 1 and "no raw data in" in done.stderr and calls == []
