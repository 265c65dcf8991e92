"""The kommunsocial command: sample, ingest, and errors as one clear line."""

import json

import pytest

from kommunsocial.cli import main
from kommunsocial.privacy import salt_fingerprint


def test_sample_then_ingest(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "x")
    assert main(["sample", "--out", str(tmp_path / "raw"), "--pages", "2", "--years", "0.2", "--seed", "3",
                 "--format", "graph_api"]) == 0
    assert (tmp_path / "raw" / "posts.json").is_file() and (tmp_path / "raw" / "README.md").is_file()
    assert main(["ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "processed"), "--quiet"]) == 0
    out = capsys.readouterr().out
    manifest = json.loads((tmp_path / "processed" / "manifest.json").read_text())
    assert f"{manifest['counts']['posts']} posts" in out and manifest["counts"]["pages"] == 2


def test_a_bad_file_is_one_line_naming_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "x")
    bad = tmp_path / "export.json"
    bad.write_text("<html><body>Sorry, something went wrong.</body></html>")
    assert main(["ingest", str(bad), "--out", str(tmp_path / "p"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommunsocial: error: export.json: this is an HTML page") and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def _raw_sample(tmp_path):
    assert main(["sample", "--out", str(tmp_path / "raw"), "--pages", "1", "--years", "0.1", "--seed", "3",
                 "--format", "graph_api"]) == 0
    return str(tmp_path / "raw")


@pytest.mark.parametrize("flag", [["--salt", "secret"], ["--salt=secret"], ["--salt"]])
def test_a_salt_on_the_command_line_is_refused(tmp_path, capsys, flag):
    with pytest.raises(SystemExit) as exc:
        main(["ingest", str(tmp_path), "--out", str(tmp_path / "p"), *flag])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--salt is not accepted" in err and "KOMMUNSOCIAL_SALT" in err and "--salt-file" in err
    assert not (tmp_path / "p").exists()  # not taken as an abbreviation of --salt-file either


def test_salt_file_gives_the_same_pseudonyms_as_the_environment(tmp_path, monkeypatch, capsys):
    raw = _raw_sample(tmp_path)
    (tmp_path / "salt").write_text("shared-secret\n")
    assert main(["ingest", raw, "--out", str(tmp_path / "a"), "--salt-file", str(tmp_path / "salt"), "--quiet"]) == 0
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "shared-secret")
    assert main(["ingest", raw, "--out", str(tmp_path / "b"), "--quiet"]) == 0
    fingerprints = [json.loads((tmp_path / d / "manifest.json").read_text())["salt_fingerprint"] for d in "ab"]
    assert fingerprints[0] == fingerprints[1] == salt_fingerprint(b"shared-secret")


def test_a_missing_salt_file_is_one_line(tmp_path, capsys):
    raw = _raw_sample(tmp_path)
    assert main(["ingest", raw, "--out", str(tmp_path / "p"), "--salt-file", str(tmp_path / "nope"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommunsocial: error: ") and "nope: salt file not found" in err
    assert not (tmp_path / "p").exists()


def test_parameters_keep_codes_as_text():
    from kommunsocial.cli import _literal

    assert (_literal("12"), _literal("0.5"), _literal("0180"), _literal("abc"), _literal("-3")) == (12, 0.5, "0180",
                                                                                                 "abc", -3)


def test_kernel_logs_errors_only(tmp_path, monkeypatch):
    import json
    import sys

    from kommunsocial.report import run as reports

    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    folder = reports.install_kernel("kommunsocial-test")
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][-1] == "--IPKernelApp.log_level=ERROR" and spec["display_name"] == "Python (kommunsocial-test)"
    assert folder.is_relative_to(tmp_path)


def _processed(tmp_path, monkeypatch):
    """A two-page dataset ``x`` (Fjordvik kommune 1118, Sjöviks kommun 0639) in a project at tmp_path."""
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "x")
    monkeypatch.setenv("KOMMUNSOCIAL_ROOT", str(tmp_path))
    raw = tmp_path / "data" / "raw" / "x"
    assert main(["sample", "--out", str(raw), "--pages", "2", "--years", "0.1", "--seed", "3",
                 "--format", "graph_api"]) == 0
    assert main(["ingest", str(raw), "--out", str(tmp_path / "data" / "processed" / "x"), "--quiet"]) == 0


def test_index_of_an_unknown_dataset_is_an_error_naming_the_known_ones(tmp_path, capsys, monkeypatch):
    _processed(tmp_path, monkeypatch)
    capsys.readouterr()
    assert main(["index", "doesnotexist"]) == 1
    err = capsys.readouterr().err
    assert "no dataset 'doesnotexist'" in err and err.rstrip().endswith("Datasets: x")
    assert not (tmp_path / "reports").exists()
    assert main(["index", "x"]) == 0 and (tmp_path / "reports" / "x" / "index.html").is_file()


def test_municipality_is_checked_before_anything_is_written(tmp_path, capsys, monkeypatch):
    _processed(tmp_path, monkeypatch)
    capsys.readouterr()
    assert main(["municipality", "x", "Sjöviks kommun"]) == 0
    assert capsys.readouterr().out == "Sjöviks_kommun\n"
    out = tmp_path / "reports" / "x" / "0000"
    assert main(["run-notebook", "notebooks/01-data-quality.ipynb", "--out", str(out), "--dataset", "x",
                 "--municipality", "0000"]) == 1
    err = capsys.readouterr().err
    assert "no municipality named '0000'" in err and "Fjordvik kommune (1118), Sjöviks kommun (0639)" in err
    assert not (tmp_path / "reports").exists()


def test_failure_records_are_listed_escaped_and_make_the_index_exit_1(tmp_path, capsys, monkeypatch):
    from kommunsocial.report.run import failures

    _processed(tmp_path, monkeypatch)
    reports = tmp_path / "reports" / "x"
    (reports / "1118").mkdir(parents=True)
    (reports / "02-tone.failed.json").write_text(json.dumps({"notebook": "02-tone.ipynb",
                                                             "error": "02-tone.ipynb: cell 3 failed: <script>"}))
    (reports / "1118" / "04-net.failed.json").write_text(json.dumps({"notebook": "04-net.ipynb", "error": "x"}))
    assert [f["path"] for f in failures(reports)] == ["02-tone.failed.json", "1118/04-net.failed.json"]
    capsys.readouterr()
    assert main(["index", "x"]) == 1
    assert "2 report(s) failed" in capsys.readouterr().err
    index = (reports / "index.html").read_text()
    assert "cell 3 failed: &lt;script&gt;" in index and "<script>" not in index
    assert "<td class='failed'>failed</td>" in index  # Fjordvik's 04 in the per-municipality table


def test_report_builds_the_others_after_a_failure_and_exits_1(tmp_path, capsys, monkeypatch):
    from tests.pipeline.test_makefile import _notebook

    _processed(tmp_path, monkeypatch)
    (tmp_path / "notebooks").mkdir()
    _notebook(tmp_path / "notebooks" / "01-broken.ipynb", "1 / 0")
    _notebook(tmp_path / "notebooks" / "02-fine.ipynb", "print(2 + 2)")
    capsys.readouterr()
    assert main(["report", "x", "--municipality", "Sjöviks kommun"]) == 1
    reports = tmp_path / "reports" / "x"
    assert (reports / "Sjöviks_kommun" / "02-fine.html").is_file()
    # numbered as in the notebook the user opens: papermill's cell of parameters is not counted
    record = json.loads((reports / "Sjöviks_kommun" / "01-broken.failed.json").read_text())
    assert record["error"] == '01-broken.ipynb: code cell 2 ("1 / 0") failed: ZeroDivisionError: division by zero'
    assert "1 report(s) failed" in capsys.readouterr().err
    assert "<td class='failed'>failed</td>" in (reports / "index.html").read_text()


def test_what_an_export_lacks_is_said_in_plain_lines(tmp_path, capsys, monkeypatch, recwarn):
    import shutil
    from pathlib import Path

    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "x")
    raw = tmp_path / "raw"
    raw.mkdir()
    # a Facepager preset export without message columns or follower counts
    shutil.copy(Path(__file__).parents[1] / "data" / "facepager" / "fp_preset_aliases.csv", raw)
    assert main(["ingest", str(raw), "--out", str(tmp_path / "p"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "fp_preset_aliases.csv (facepager): no post text: the tone of these posts cannot be scored" in out
    assert "no follower counts: per-follower rates are not available" in out
    assert not [w for w in recwarn if "MissingDataWarning" in type(w.message).__name__]  # lines, not warnings
