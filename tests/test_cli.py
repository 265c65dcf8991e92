"""The kommunsocial command: sample, ingest, and errors as one clear line."""

import json

from kommunsocial.cli import main


def test_sample_then_ingest(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path / "raw"), "--pages", "2", "--years", "0.2", "--seed", "3",
                 "--format", "graph_api"]) == 0
    assert (tmp_path / "raw" / "posts.json").is_file() and (tmp_path / "raw" / "README.md").is_file()
    assert main(["ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "processed"), "--salt", "x",
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    manifest = json.loads((tmp_path / "processed" / "manifest.json").read_text())
    assert f"{manifest['counts']['posts']} posts" in out and manifest["counts"]["pages"] == 2


def test_a_bad_file_is_one_line_naming_it(tmp_path, capsys):
    bad = tmp_path / "export.json"
    bad.write_text("<html><body>Sorry, something went wrong.</body></html>")
    assert main(["ingest", str(bad), "--out", str(tmp_path / "p"), "--salt", "x", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kommunsocial: error: export.json: this is an HTML page") and "Traceback" not in err
    assert not (tmp_path / "p").exists()


def test_parameters_keep_codes_as_text():
    from kommunsocial.cli import _literal

    assert (_literal("12"), _literal("0.5"), _literal("0180"), _literal("abc"), _literal("-3")) == (12, 0.5, "0180",
                                                                                                 "abc", -3)


def test_kernel_logs_errors_only(tmp_path, monkeypatch):
    import json
    import sys

    from kommunsocial import reports

    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    folder = reports.install_kernel("kommunsocial-test")
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][-1] == "--IPKernelApp.log_level=ERROR" and spec["display_name"] == "Python (kommunsocial-test)"
    assert folder.is_relative_to(tmp_path)
