"""End to end: script, event-handler, entity and link payloads planted in every text field of a
small dataset (post and comment texts, page names, commenter names, hashtags, raw file names) never
become live markup in any report, the index, a seminar notebook or a figure, and never become a
formula in a coding sheet.

One small generated dataset (3 pages, 1 year) is ingested, every report notebook and the students'
seminar notebook run on it (a few minutes), and every HTML and SVG written is parsed.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial import spreadsheet
from kommunsocial.tone import coding

from ..conftest import ROOT, SALT
from ._seminar import filled_in

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ENTITY = "&lt;script&gt;alert(1)&lt;/script&gt;"
LINK = "[klick](javascript:alert(1))"
SVG = '"><svg onload=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","klick")'
#: Put before every post's text: each payload, a hashtag and a formula.
POST_PAYLOAD = f"{SCRIPT} {IMG} {ENTITY} {LINK} {SVG} #tagg<b>x</b> "
COMMENT_PAYLOADS = [SCRIPT, IMG, ENTITY, LINK, SVG, FORMULA, "@<img src=x onerror=alert(1)> tack!"]
PAGE_NAMES = [f"{SCRIPT} kommun", f"{SVG} {IMG} kommun", f"{FORMULA} {ENTITY} kommun"]
FILE_NAMES = {"pages.csv": "pages <script>alert(1).csv", "posts.csv": f"posts {IMG}.csv",
              "comments.csv": "comments \"><svg onload=alert(1)>.csv"}


def _hostile_corpus():
    corpus = ks.sample.generate(n_pages=3, years=1, seed=3)
    pages, posts, comments = corpus.pages.copy(), corpus.posts.copy(), corpus.comments.copy()
    pages["page_name"] = PAGE_NAMES
    pages["handle"] = ["javascript:alert(1)", SCRIPT, FORMULA]
    posts["text"] = POST_PAYLOAD + posts["text"]
    posts.loc[posts.index[::7], "text"] = FORMULA  # a post that is only a formula, as the coding sheet shows it
    n = len(comments)
    comments["text"] = [f"{COMMENT_PAYLOADS[i % 7]} {t}" for i, t in enumerate(comments["text"])]
    comments["author_name"] = [COMMENT_PAYLOADS[(i + 3) % 7] for i in range(n)]
    return dataclasses.replace(corpus, pages=pages, posts=posts, comments=comments)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile dataset written as raw export files, ingested, and every report run on it:
    ``(raw folder, processed folder, reports folder)``."""
    base = tmp_path_factory.mktemp("hostile")
    raw, processed, reports = base / "raw", base / "processed", base / "reports"
    ks.sample.write(_hostile_corpus(), raw)
    for plain, name in FILE_NAMES.items():
        (raw / plain).rename(raw / name)
    ks.ingest(raw, processed, salt=SALT, progress=False)
    for nb in ks.report.run.notebooks(ROOT / "notebooks"):
        params = {"dataset": "hostile", "data_dir": str(processed), "out_dir": str(reports / nb.stem)}
        if nb.stem.startswith("02-"):
            params["coding_dir"] = str(raw / "coding")
        ks.report.run.run_notebook(nb, reports, parameters=params)
    # the students' notebook with codes typed in (it stops at exercise 1 while they are "?")
    student = filled_in(base / "typed", list("fcfcfcfcfc"), list("fffffccccc"))
    ks.report.run.run_notebook(student, reports / "seminar", parameters={
        "dataset": "hostile", "data_dir": str(processed), "out_dir": str(reports / "seminar" / "exports")})
    ks.report.run.build_index("hostile", reports=reports, data_dir=processed)
    return raw, processed, reports


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run: a script whose code carries a payload, an event-handler
    attribute, a ``javascript:`` URL, an element a payload brings (``img``, ``svg`` in HTML)."""

    def __init__(self, svg_file: bool):
        super().__init__(convert_charrefs=True)
        self.svg_file, self.found, self._in_script = svg_file, [], False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        if (tag == "img" and not (dict(attrs).get("src") or "").startswith("data:")) or \
                (tag == "svg" and not self.svg_file):
            # the reports' own figures are <img src="data:…">; any other image or inline svg came from data
            self.found.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:80]}")


def _live(path: Path) -> list[str]:
    parser = _LiveMarkup(svg_file=path.suffix == ".svg")
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.found


def test_the_scanner_finds_live_payloads(tmp_path):
    """The check below can fail: each payload, unescaped, is found."""
    for payload in (SCRIPT, IMG, SVG, '<a href="javascript:alert(1)">x</a>', "<img src=x>"):
        page = tmp_path / "p.html"
        page.write_text(f"<html><body><p>{payload}</p></body></html>", encoding="utf-8")
        assert _live(page), payload
    page.write_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
                    "<img src=\"data:image/png;base64,AA\"><td data-k=\"&lt;svg onload=alert(1)&gt;\">x</td>"
                    "<script>var x = 1;</script></p>", encoding="utf-8")
    assert _live(page) == []


def test_no_payload_is_live_in_any_html_or_svg(hostile):
    _, _, reports = hostile
    files = sorted(p for p in reports.rglob("*") if p.suffix in (".html", ".svg"))
    pages = {p.name for p in files if p.suffix == ".html"}
    assert {"index.html", "01-data-quality.html", "02-tone.html", "03-engagement.html",
            "04-interaction-network.html", "05-compare-municipalities.html", "does-tone-matter.html",
            "coding-sheet_seed-1.html"} <= pages
    assert sum(p.suffix == ".svg" for p in files) >= 10
    live = {str(p.relative_to(reports)): _live(p) for p in files}
    assert {name: found for name, found in live.items() if found} == {}


def test_the_payloads_reach_the_reports_as_text(hostile):
    """The payloads are shown, escaped: the dataset really carried them into every report."""
    _, _, reports = hostile
    text = {p.stem: p.read_text(encoding="utf-8") for p in reports.rglob("*.html")}
    shown_script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for name in ("02-tone", "03-engagement", "05-compare-municipalities", "does-tone-matter"):
        assert shown_script in text[name], name  # a page name or a post
    # the example posts (a Styler table) and the seminar's coding sheet show the posts' payloads
    for name in ("02-tone", "does-tone-matter"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in text[name]
        assert "&amp;lt;script&amp;gt;" in text[name]  # the entity payload, shown as typed
        assert "#tagg&lt;b&gt;x&lt;/b&gt;" in text[name]  # a hashtag
    assert "&lt;svg onload=alert(1)&gt;" in text["05-compare-municipalities"]
    # raw file names: in the data-quality report and the index's sources
    for name in ("01-data-quality", "index"):
        assert "posts &lt;img src=x onerror=alert(1)&gt;.csv" in text[name], name


def test_exported_tables_have_no_formula(hostile):
    _, _, reports = hostile
    tables = sorted(reports.rglob("*.csv"))
    assert len(tables) >= 8
    texts = []
    for path in tables:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
        numeric = pd.to_numeric(frame.stack(), errors="coerce").notna()
        cells = frame.stack()[~numeric].tolist()  # numbers such as -3 are numbers, not formulas
        assert not [c for c in cells if c.startswith(spreadsheet.TRIGGERS)], path.name
        texts += cells
    assert any(c.startswith("'=HYPERLINK") for c in texts)  # a page name reached a table, as text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_coding_sheets_of_hostile_posts_have_no_formula(hostile, tmp_path, suffix):
    _, processed, _ = hostile
    ds = ks.Dataset.read(processed)
    path = tmp_path / f"sheet{suffix}"
    sheet = coding.sample_for_coding(ds, 40, seed=1, path=path)
    assert (sheet["text"] == FORMULA).any() and sheet["page"].str.startswith("=").any()
    if suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
        cells = frame.stack().tolist()
        assert not [c for c in cells if c.startswith(spreadsheet.TRIGGERS)]
    else:
        book = openpyxl.load_workbook(path)
        cells = [c for ws in book for row in ws.iter_rows() for c in row]
        assert cells and all(c.data_type != "f" for c in cells)
    back = coding._read_sheet(path)
    assert back["text"].tolist() == sheet["text"].tolist() and back["page"].tolist() == sheet["page"].tolist()
