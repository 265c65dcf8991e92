"""The seminar's logistics on hand-made data: placeholder codes, one-line errors, the printable coding
sheet, export names that never collide, collecting a class's files, and the index that does not take
the seminar's folders for municipalities."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.report import seminar
from kommunsocial.report.seminar import SeminarError
from kommunsocial.report.seminar_files import SHEET_CATEGORIES

UTC = dt.timezone.utc
PAYLOAD = "<script>alert(1)</script>"


def _sheet(n):
    return pd.DataFrame({"id": [f"p{i}" for i in range(1, n + 1)], "page": "Sjövik kommun",
                         "text": [f"post {i}" for i in range(1, n + 1)]})


# -- placeholders ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("codes", [["?"] * 4, [" ? "] * 4, [None] * 4, ["", "?", None, "?"]])
def test_a_list_with_nothing_coded_asks_for_codes(codes):
    # the handed-out list (or one with only blanks) is nobody's codes: no kappa of it, a request instead
    with pytest.raises(SeminarError, match=r'^me: no codes typed yet; replace each "\?"') as err:
        seminar.coding_table(_sheet(4), {"me": codes, "partner": list("fcfc")})
    assert "\n" not in str(err.value)


def test_a_list_partly_coded_names_the_posts_still_open():
    with pytest.raises(SeminarError, match=r'^partner: posts #2, #4 still "\?"'):
        seminar.coding_table(_sheet(4), {"me": list("fcfc"), "partner": ["f", "?", "c", "?"]})
    with pytest.raises(SeminarError, match=r'^partner: post #3 still "\?"'):
        seminar.coding_table(_sheet(4), {"me": list("fcfc"), "partner": ["f", "c", "?", None]})


def test_the_index_with_no_score_is_not_asked_for_codes():
    # a Series is the index's codes: posts it cannot score are simply not coded by it
    coded = seminar.coding_table(_sheet(2), {"me": ["f", "c"], "index": pd.Series([None, None], dtype="string")})
    assert coded["coder"].tolist() == ["me", "me"]


def test_a_seminar_error_in_a_notebook_is_one_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        seminar._short_errors_in_notebooks()
        result = shell.run_cell("from kommunsocial.report import seminar\n"
                                "import pandas as pd\n"
                                "seminar.coding_table(pd.DataFrame({'id': ['a', 'b']}), {'me': ['?', '?']})")
        shown = capsys.readouterr().out.strip().splitlines()
        assert isinstance(result.error_in_exec, SeminarError)  # still an error: Run All stops here
        assert shown == ['SeminarError: me: no codes typed yet; replace each "?" with "formal" or '
                         '"conversational" (or "f" / "c"), #1 first, and run the cell again']
        shell.run_cell("1 / 0")  # other errors keep their traceback
        assert len(capsys.readouterr().out.strip().splitlines()) > 1
    finally:
        InteractiveShell.clear_instance()


# -- the printable sheet ----------------------------------------------------------------------------------
class _Sheet(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.cells, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "td":
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_coding_sheet_is_printable_and_inert(tmp_path):
    sheet = pd.DataFrame({"id": ["a", "b"], "page": [PAYLOAD, "Sjövik kommun"], "date": ["2024-03-01", "2024-03-02"],
                          "text": ["Härmed meddelas\natt <img src=x onerror=alert(1)>", "Hej! 😊"]})
    path = seminar.write_coding_sheet(sheet, tmp_path / "out", coding_seed=1, dataset="sample")
    assert path == tmp_path / "out" / "coding-sheet_seed-1.html"
    page = path.read_text(encoding="utf-8")
    parser = _Sheet()
    parser.feed(page)
    # posts' payloads are text: no script or image element, and the characters are shown as typed
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    # one row per post, numbered from 1 as in the notebook: #, municipality (+ date), text, a box per code
    assert len(parser.cells) == 2 * 4
    assert parser.cells[0] == "1" and parser.cells[4] == "2"
    assert parser.cells[1] == PAYLOAD + "2024-03-01" and parser.cells[2] == "Härmed meddelas\natt <img src=x onerror=alert(1)>"
    assert parser.cells[3] == "formalconversationalcannot tell"
    assert page.count("class='box'") == 2 * 3
    # the codebook's categories, who codes, the seed, and a print layout that keeps each post on one page
    assert all(f"<dt>{name}</dt>" in page for name, _ in SHEET_CATEGORIES)
    assert "Name:" in page and "Pair:" in page and "coding seed 1" in page and "dataset sample" in page
    assert "break-inside:avoid" in page and "@page{size:A4" in page


def test_coding_sheet_needs_the_sheets_columns_and_posts(tmp_path):
    with pytest.raises(SeminarError, match="lacks column 'text'"):
        seminar.write_coding_sheet(pd.DataFrame({"page": ["P"]}), tmp_path)
    # an export without post texts (Facepager without the message field) leaves nothing to code
    with pytest.raises(SeminarError, match="^no post with text to code in this dataset"):
        seminar.write_coding_sheet(pd.DataFrame({"page": [], "text": []}), tmp_path)
    assert not list(tmp_path.iterdir())


# -- exports -------------------------------------------------------------------------------------------
def _codes(me, partner, index="ffcc"):
    return seminar.coding_table(_sheet(len(me)), {"me": list(me), "partner": list(partner), "index": list(index)})


def test_export_names_carry_pair_time_and_content_hash(tmp_path):
    when = dt.datetime(2025, 3, 1, 10, 15, 2, 999, tzinfo=UTC)
    path = seminar.save_export(_codes("ffcc", "fccc"), tmp_path, kind="codes", pair="Anna & Bo", coding_seed=1,
                               now=when)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:6]
    assert path.name == f"exercise-1-codes_Anna-Bo_20250301-101502_{digest}.csv"
    saved = pd.read_csv(path, dtype=str)
    assert saved.columns.tolist() == ["pair", "saved_at", "coding_seed", "post_id", "coder", "tone"]
    assert saved["pair"].unique().tolist() == ["Anna & Bo"] and saved["saved_at"].iloc[0] == "2025-03-01T10:15:02+00:00"
    assert len(saved) == 12 and saved["coding_seed"].unique().tolist() == ["1"]
    # a pair without a name is "unnamed", and its other content gets another name in the same second
    other = seminar.save_export(_codes("ffcc", "ffcc"), tmp_path, kind="codes", pair="", coding_seed=1, now=when)
    assert other.name.startswith("exercise-1-codes_unnamed_20250301-101502_") and other != path


def test_models_export_keeps_the_model_names(tmp_path):
    models = pd.DataFrame({"outcome": ["comments"], "controls": ["(none)"], "irr": [1.5], "ci_low": [1.1],
                           "ci_high": [2.0], "p_value": [0.01], "n": [40]}, index=pd.Index(["+ topic"], name="model"))
    path = seminar.save_export(models, tmp_path, kind="models", pair="07", now=dt.datetime(2025, 3, 1, tzinfo=UTC))
    assert path.name.startswith("exercise-2-models_07_20250301-000000_")
    back = ks.spreadsheet.unprotect_frame(pd.read_csv(path))
    assert back["model"].tolist() == ["+ topic"] and back["irr"].tolist() == [1.5]


# -- collecting ------------------------------------------------------------------------------------------
@pytest.fixture
def class_folder(tmp_path):
    """Three pairs' files as a teacher copies them from the laptops, with a copy, a re-run and a bad row."""
    t = dt.datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    laptops = tmp_path / "laptops"
    first = seminar.save_export(_codes("ffcc", "fccc"), laptops / "a", kind="codes", pair="01", coding_seed=1, now=t)
    # pair 01 ran the cell again a minute later with a corrected code: only this one counts
    seminar.save_export(_codes("ffcc", "ffcc"), laptops / "a", kind="codes", pair="01", coding_seed=1,
                        now=t + dt.timedelta(minutes=1))
    seminar.save_export(_codes("fccc", "fccc"), laptops / "b", kind="codes", pair="02", coding_seed=1, now=t)
    # the same file copied twice (from the USB stick and from the e-mail)
    (laptops / "copy").mkdir()
    (laptops / "copy" / first.name).write_bytes(first.read_bytes())
    # two pairs who forgot their name are two pairs, not one
    seminar.save_export(_codes("ffff", "ffff"), laptops / "c", kind="codes", pair="", coding_seed=1, now=t)
    seminar.save_export(_codes("cccc", "cccc"), laptops / "d", kind="codes", pair="", coding_seed=1, now=t)
    # a file edited by hand: a typo in row 2
    bad = seminar.save_export(_codes("ffcc", "ffcc"), laptops / "e", kind="codes", pair="03", coding_seed=1, now=t)
    bad.write_text(bad.read_text(encoding="utf-8").replace(",p2,me,formal", ",p2,me,formel"), encoding="utf-8")
    return laptops, first.name


def test_collect_reports_copies_reruns_and_bad_rows(class_folder):
    laptops, first = class_folder
    got = seminar.collect(laptops)
    files = got.files.set_index("file")
    assert len(files) == 7  # every file found is listed
    status = files["status"]
    assert (status == "used").sum() == 5
    assert status.str.startswith("same content as").sum() == 1
    older = files[status.str.startswith("older than")]
    assert older.index.tolist() == [first] and older["pair"].tolist() == ["01"]
    # the quarantine names file, row and column; the rest of that file is used
    q = got.quarantine
    assert q[["row", "column"]].values.tolist() == [[2, "tone"]] and q["file"].iloc[0].startswith("exercise-1-codes_03_")
    assert "'formel' is not formal or conversational" in q["reason"].iloc[0]
    table = got.table
    # coders never share a name across pairs; the index codes each post once
    coders = set(table["coder"])
    assert {"01/me", "01/partner", "02/me", "03/me", "03/partner", "index"} <= coders
    assert len([c for c in coders if c.startswith("unnamed-") and c.endswith("/me")]) == 2
    assert (table["coder"] == "index").sum() == 4
    # pair 01's latest save: partner ffcc (the re-run), not fccc
    assert table.loc[table["coder"] == "01/partner", "tone"].tolist() == ["formal", "formal", "conversational",
                                                                         "conversational"]
    assert (table["coder"] == "03/me").sum() == 3  # row 2 quarantined, not lost
    # rows: 4 × 2 (01) + 4 × 2 (02) + 4 × 2 × 2 (two unnamed) + 3 + 4 (03) + 4 (index) = 43
    assert len(table) == 43


def test_collect_class_reliability_by_hand(tmp_path):
    t = dt.datetime(2025, 3, 1, tzinfo=UTC)
    seminar.save_export(_codes("ffcc", "fccc"), tmp_path, kind="codes", pair="01", coding_seed=1, now=t)
    got = seminar.collect([tmp_path])
    pairs = seminar.pairwise_agreement(got.table, n_boot=0).set_index(["coder_1", "coder_2"])
    # 01/me ffcc against 01/partner fccc: pₒ = 3/4, pₑ = .5·.25 + .5·.75 = .5, κ = .5
    assert pairs.loc[("01/me", "01/partner"), "cohen_kappa"] == pytest.approx(0.5)
    assert pairs.loc[("01/me", "index"), "percent_agreement"] == 1.0


def test_collect_names_what_it_cannot_read(tmp_path):
    with pytest.raises(SeminarError, match="no exercise-1-codes_"):
        seminar.collect(tmp_path)
    (tmp_path / "exercise-1-codes_07_x.csv").write_text("post_id,coder,tone\np1,me,formal\n", encoding="utf-8")
    with pytest.raises(SeminarError, match=r"^exercise-1-codes_07_x.csv, column 'pair': missing"):
        seminar.collect(tmp_path)
    with pytest.raises(SeminarError, match="no such file"):
        seminar.collect([tmp_path / "nothing.csv"])


def test_collect_models(tmp_path):
    models = pd.DataFrame({"outcome": ["comments"], "irr": [1.5], "ci_low": [1.1], "ci_high": [2.0]},
                          index=pd.Index(["yours"], name="model"))
    for pair, minute in (("01", 0), ("01", 5), ("02", 0)):
        seminar.save_export(models.assign(irr=1.5 + minute), tmp_path, kind="models", pair=pair,
                            now=dt.datetime(2025, 3, 1, 10, minute, tzinfo=UTC))
    got = seminar.collect(tmp_path, kind="models")
    assert sorted(got.table["pair"]) == ["01", "02"]
    assert got.table.set_index("pair").loc["01", "irr"] == "6.5"  # the later save of pair 01


# -- the index -------------------------------------------------------------------------------------------
def test_index_does_not_take_seminar_folders_for_municipalities(tmp_path):
    reports = tmp_path / "reports"
    (reports / "0187").mkdir(parents=True)
    (reports / "0187" / "01-data-quality.html").write_text("<html></html>", encoding="utf-8")
    seminar.write_coding_sheet(_sheet(2), reports / "seminar", coding_seed=1)
    (reports / "seminar-teacher").mkdir()
    (reports / "seminar-teacher" / "does-tone-matter-teacher.html").write_text("<html></html>", encoding="utf-8")
    page = ks.report.run.build_index("x", reports=reports, data_dir=tmp_path / "none").read_text(encoding="utf-8")
    municipalities = page.split("<h2>Per municipality</h2>", 1)[1].split("<h2>", 1)[0]
    assert "0187" in municipalities
    assert not re.search(r"seminar|coding-sheet|does-tone-matter", municipalities)
    # listed apart, as other runs
    assert "href='seminar-teacher/does-tone-matter-teacher.html'" in page.split("<h2>Other runs</h2>", 1)[1]


# -- what the notebook shows ----------------------------------------------------------------------------
def test_agreement_shown_with_human_headers_and_intervals():
    coded = seminar.coding_table(_sheet(4), {"me": list("fffc"), "partner": list("ffcc")})
    shown = seminar.show_agreement(seminar.pairwise_agreement(coded, n_boot=0))
    # pₒ = 3/4, κ = .5 (as in test_seminar); no bootstrap: the intervals are unknown, shown as dashes
    assert shown.data.columns.tolist() == ["coders", "posts both coded", "percent agreement",
                                           "agreement, 95 % interval", "Cohen's kappa", "kappa, 95 % interval"]
    assert shown.data.values.tolist() == [["me and partner", 4, "0.75", "– to –", "0.50", "– to –"]]
    assert "<th" in shown.to_html() and "coder_1" not in shown.to_html()


def test_quote_keeps_a_post_inert():
    md = seminar.quote(f"Hej\n# not a heading {PAYLOAD}").data
    assert md.startswith("> ") and "\n" not in md and "<script>" not in md


def test_irr_table_shown_with_human_headers():
    gap = pd.DataFrame({"outcome": ["comments", "shares"], "model": ["naive", "adjusted"], "irr": [1.5, 0.8],
                        "ci_low": [1.104, 0.7], "ci_high": [2.0, 0.95], "p_value": [0.0004, 0.02], "n": [40, 40]})
    shown = seminar.show_irr(gap).data
    assert shown.columns.tolist() == ["model", "outcome", "IRR (conversational vs formal)", "95 % interval",
                                      "p-value", "posts"]
    assert shown.values.tolist() == [["naive", "comments", "1.50", "1.10 to 2.00", "< 0.001", 40],
                                     ["adjusted", "shares", "0.80", "0.70 to 0.95", "0.020", 40]]
