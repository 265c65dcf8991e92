"""Escaping for HTML and Markdown (render.py) and spreadsheet-safe exports (spreadsheet.py), on
hand-made strings."""

from __future__ import annotations

import html
import importlib
import re
from urllib.parse import unquote

import networkx as nx
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from kommunsocial import network, spreadsheet
from kommunsocial.report import render
from kommunsocial.tone import coding

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;script&gt;alert(1)&lt;/script&gt;",
            "[klick](javascript:alert(1))", '"><svg onload=alert(1)>', "'><svg onload=alert(1)>"]
FORMULAS = ['=HYPERLINK("http://evil.example","klick")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1",
            "'=1", "''", "'", "-3", "Hej! =1"]
# text made of the characters that matter here, and words that would be dangerous
TEXT = st.lists(st.sampled_from(list("ab <>&;\"'=+-@/:()[]!*_`#|~$\\{}.\n\r\t1å")
                                + ["script", "javascript:", "onerror=", "&lt;", "&#60;", "https://x.se"]),
                max_size=25).map("".join)
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")


# -- HTML -------------------------------------------------------------------------------------------
def test_escape_by_hand():
    assert render.escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert render.escape('"><svg onload=alert(1)>') == "&quot;&gt;&lt;svg onload=alert(1)&gt;"
    assert render.escape("&lt;script&gt;") == "&amp;lt;script&amp;gt;"  # an entity stays text
    assert render.escape("it's") == "it&#x27;s"
    assert render.escape(12) == "12"


@given(TEXT)
def test_escaped_text_has_no_markup_and_shows_as_typed(text):
    out = render.escape(text)
    assert not set(out) & set("<>\"'")
    assert html.unescape(out) == text


def test_href_keeps_a_folder_name_a_relative_path():
    assert render.href("02-tone.html") == "02-tone.html"
    assert render.href("javascript:alert(1)/02-tone.html") == "javascript%3Aalert%281%29/02-tone.html"
    assert render.href("x' onmouseover='alert(1)/a.html") == "x%27%20onmouseover%3D%27alert%281%29/a.html"


@given(TEXT)
def test_href_has_no_scheme_and_no_quote(path):
    out = render.href(path)
    assert ":" not in out and "'" not in out and '"' not in out and "<" not in out
    assert unquote(html.unescape(out)) == path


def test_markdown_text_by_hand():
    assert render.markdown_text("<b>Umeå</b>") == "\\<b\\>Umeå\\</b\\>"
    assert render.markdown_text(" two\nlines ") == "two lines"
    rendered = markdown2html_mistune(render.note("[klick](javascript:alert(1)) <script>x</script>").data)
    assert rendered == ("<p><em>[klick](javascript:alert(1)) &lt;script&gt;x&lt;/script&gt;</em></p>\n")


@given(TEXT)
def test_a_note_renders_as_its_text_only(text):
    """Rendered as nbconvert renders Markdown output: no tag but the note's own, the text as typed
    (line breaks as spaces, no white space around it)."""
    out = markdown2html_mistune(render.note(text).data)
    assert {name for _, name, _ in TAG.findall(out)} <= {"p", "em"}
    shown = html.unescape(TAG.sub("", out)).strip()
    assert shown == text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").strip()


def test_table_escapes_values_labels_and_names():
    frame = pd.DataFrame({PAYLOADS[1]: [PAYLOADS[0]], "n": [1.234]},
                         index=pd.Index([PAYLOADS[4]], name=PAYLOADS[0]))
    frame.columns.name = PAYLOADS[4]
    out = render.table(frame, precision=1, wrap=[PAYLOADS[1]]).to_html()
    assert "<script" not in out and "<img" not in out and "<svg" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and ">1.2<" in out
    assert "white-space: pre-wrap" in out
    hidden = render.table(frame, hide_index=True).to_html()
    assert "&lt;svg" not in hidden.split("<tbody>")[1]  # the index is not shown


def test_seminar_sheet_and_notes_escape():
    from kommunsocial.report import seminar

    sheet = pd.DataFrame({"id": ["a"], "page": [PAYLOADS[4]], "text": [PAYLOADS[0]]})
    out = seminar.show_sheet(sheet).to_html()
    assert "<script" not in out and "<svg" not in out and "&lt;script&gt;" in out
    for md in (render.show(pd.DataFrame(), empty=PAYLOADS[1]), render.show(None, empty=PAYLOADS[1])):
        assert "<img" not in markdown2html_mistune(md.data)


def test_compare_caveats_escape_page_names():
    from kommunsocial.report import compare

    t = pd.DataFrame({"page_name": [PAYLOADS[0], PAYLOADS[3]], "posts": [3, 4], "comments_present": [0, 0],
                      "comments_reported": pd.array([None, None], dtype="Int64"),
                      "source_format": ["<img src=x onerror=alert(1)>", "csv"]})
    out = markdown2html_mistune(compare.caveats(t).data)
    assert "<script" not in out and "<img" not in out and "<a " not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


# -- spreadsheets -----------------------------------------------------------------------------------
def test_protect_by_hand():
    assert spreadsheet.protect('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert [spreadsheet.protect(t) for t in ("+1", "-1", "@A", "\tx", "\rx")] == ["'+1", "'-1", "'@A", "'\tx", "'\rx"]
    assert spreadsheet.protect("'=1") == "''=1"  # a quote already there gets another, so it can be undone
    assert spreadsheet.protect("'hej") == "''hej"
    assert spreadsheet.protect("Hej =1") == "Hej =1"
    assert spreadsheet.protect(-3) == -3 and spreadsheet.protect(None) is None
    assert spreadsheet.unprotect("'hej") == "'hej"  # a quote typed by a coder, not ours: kept
    assert spreadsheet.unprotect("''=1") == "'=1" and spreadsheet.unprotect("'") == "'"


@given(TEXT)
def test_protect_round_trips_and_never_starts_a_formula(text):
    out = spreadsheet.protect(text)
    assert not out.startswith(spreadsheet.TRIGGERS)
    assert spreadsheet.unprotect(out) == text


def test_protect_frame_touches_text_only():
    frame = pd.DataFrame({"text": pd.array(["=1", "a", None], dtype="string"), "mixed": ["-x", 3, None],
                          "count": [-3, 1, 2], "share": [-0.5, 0.0, 1.0]},
                         index=pd.Index(["@p", "q", "r"], name="page"))
    out = spreadsheet.protect_frame(frame)
    assert out["text"].tolist() == ["'=1", "a", pd.NA] and out["text"].dtype == frame["text"].dtype
    assert out["mixed"].tolist()[:2] == ["'-x", 3]
    assert out["count"].tolist() == [-3, 1, 2] and out["count"].dtype == "int64"
    assert out.index.tolist() == ["'@p", "q", "r"]
    assert frame["text"].iloc[0] == "=1"  # the caller's frame is left alone
    pd.testing.assert_frame_equal(spreadsheet.unprotect_frame(out), frame)


def _csv_cells(path):
    return [cell for row in pd.read_csv(path, dtype=str, keep_default_na=False, header=None).itertuples(index=False)
            for cell in row]


@given(st.lists(TEXT, min_size=1, max_size=6))
def test_csv_round_trip(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    frame = pd.DataFrame({"text": texts, "n": range(-len(texts), 0)})
    spreadsheet.to_csv(frame, path, index=False)
    back = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    assert not any(t.startswith(spreadsheet.TRIGGERS) for t in back["text"])
    assert spreadsheet.unprotect_frame(back)["text"].tolist() == texts
    assert back["n"].tolist() == list(range(-len(texts), 0))  # numbers stay numbers, "-3" included


def test_xlsx_has_no_formula_and_keeps_the_text(tmp_path):
    path = spreadsheet.to_excel({"s": pd.DataFrame({"text": FORMULAS, "n": range(-len(FORMULAS), 0)})},
                                tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    # XML reads a lone carriage return back as a line feed (openpyxl writes it as it is)
    assert [c.value for c in cells[0::2]] == [t.replace("\r", "\n") for t in FORMULAS]
    assert [c.value for c in cells[1::2]] == list(range(-len(FORMULAS), 0))
    assert sheet["A2"].quotePrefix and not sheet["A12"].quotePrefix  # "Hej! =1" is plain text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coding_sheet_with_formulas_round_trips(tmp_path, suffix):
    ids = [t for t in FORMULAS if t.strip() == t] + ["12_34", "12_35"]  # read_coding strips space around ids
    sheet = pd.DataFrame({"id": ids, "page": FORMULAS, "date": "2024-01-01", "text": FORMULAS, "tone": "",
                          "formality": ""})
    paths = [coding.write_sheet(sheet.assign(tone=tone, formality="3"), tmp_path / f"{coder}{suffix}")
             for coder, tone in (("a", "formal"), ("b", "conversational"))]
    if suffix == ".csv":
        cells = _csv_cells(paths[0])
        assert not [c for c in cells if c.startswith(spreadsheet.TRIGGERS)]
        assert "'=HYPERLINK(\"http://evil.example\",\"klick\")" in cells
    else:
        book = openpyxl.load_workbook(paths[0])
        assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)
    read = coding._read_sheet(paths[0])  # as the coder saw it, exactly (XML turns a lone CR into LF)
    assert read["text"].tolist() == (FORMULAS if suffix == ".csv" else [t.replace("\r", "\n") for t in FORMULAS])
    assert read["page"].tolist() == read["text"].tolist()
    back = coding.read_coding(paths)
    assert back["post_id"].tolist() == ids * 2
    assert back["tone"].tolist() == ["formal"] * len(ids) + ["conversational"] * len(ids)


def test_network_exports_write_labels_as_text(tmp_path):
    G = nx.DiGraph()
    G.add_node("u1", label="=HYPERLINK(\"x\")", kind="citizen")
    G.add_node("p", label="@page", kind="page")
    G.add_edge("u1", "p", weight=-2)
    edges = network.export(G, tmp_path / "g.csv")
    listing = network.export_files({"t.csv": pd.DataFrame({"name": ["+x", "-y"], "n": [-1, 2]})}, tmp_path)
    assert _csv_cells(edges)[-1] == "-2"  # a number
    cells = _csv_cells(listing["file"].iloc[0])
    assert cells == ["", "name", "n", "0", "'+x", "-1", "1", "'-y", "2"]
    export_module = importlib.import_module("kommunsocial.network.export")  # network.export is the function
    paths = export_module._export_tables(G, tmp_path, "big")
    nodes = _csv_cells(paths[0])
    assert "'=HYPERLINK(\"x\")" in nodes and "'@page" in nodes
