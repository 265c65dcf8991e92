"""Report 01 says what an export lacks, and counts each file's quarantine as the quarantine table does."""

from __future__ import annotations

from pathlib import Path

import kommunsocial as ks
from kommunsocial.report.run import run_notebook

ROOT = Path(__file__).resolve().parents[2]


def test_data_quality_report_says_what_the_export_lacks(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "posts.csv").write_text("post_id,page_id,page_name,created_at,text\n1,9,Sjöviks kommun,2024-03-11 12:00,"
                                   "Hej alla\n2,9,Sjöviks kommun,2024-03-12 12:00,Vi bygger om skolan\n"
                                   "3,9,Sjöviks kommun,igår,Trasig tid\n", encoding="utf-8")
    ds = ks.ingest(raw, tmp_path / "processed", salt="x", progress=False)
    assert {g["what"] for g in ds.manifest["missing"]} == {"engagement counts", "follower counts"}
    nb = ROOT / "notebooks" / "01-data-quality.ipynb"
    page = run_notebook(nb, tmp_path / "out", parameters={"dataset": "tiny", "data_dir": str(tmp_path / "processed")})
    html = page.read_text()
    assert "per-follower rates are not available" in html
    assert "reactions, comments and shares are not available" in html
    assert len(ds.quarantine) == 1


def test_data_quality_report_says_a_keyword_search_names_no_accounts(tmp_path):
    import warnings

    from kommunsocial.io._gaps import MissingDataWarning

    raw = ROOT / "tests" / "data" / "twarc2" / "keyword_search.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)
        ks.ingest(raw, tmp_path / "processed", salt="x", progress=False)
    nb = ROOT / "notebooks" / "01-data-quality.ipynb"
    page = run_notebook(nb, tmp_path / "out", parameters={"dataset": "search", "data_dir": str(tmp_path / "processed")})
    import html

    shown = html.unescape(page.read_text())
    # the whole sentence, where the table shows what each export lacks
    assert ("this is a keyword search: its authors were taken as pages; name the municipalities' accounts "
            "with ACCOUNTS= (make), --account (kommunsocial ingest) or a pages.csv") in shown
