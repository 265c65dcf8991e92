"""The municipality comparison: a 2-page table worked out by hand, the sample against its parts and
its planted truth, the sortable HTML table, and the labelled scatter plots."""

import json
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import kommunsocial as ks  # noqa: E402
from kommunsocial.report import compare  # noqa: E402
from kommunsocial.report import compare_plots as cplots  # noqa: E402
from kommunsocial.network._example import make_dataset  # noqa: E402
from kommunsocial.network.plots import wilson_interval  # noqa: E402

PAGES = [{"page_id": "A", "page_name": "Sjöviks kommun", "municipality_code": "0180", "country": "SE",
          "followers": 1000, "population": 10000},
         {"page_id": "B", "page_name": "Fjordvik kommune", "municipality_code": "0301", "country": "NO",
          "followers": 2500, "population": None}]
# the posts of tests/unit/test_engagement.py::tiny, with a1 reporting 4 comments, b1 4, b2 formal
POSTS = [
    {"post_id": "a1", "page_id": "A", "created_at": "2024-01-01 09:00", "post_type": "photo", "n_reactions": 10,
     "n_comments": 4, "n_shares": 0, "followers_at_posting": 1000, "tone": "conversational", "formality": 20.0},
    {"post_id": "a2", "page_id": "A", "created_at": "2024-01-06 18:00", "post_type": "link", "n_reactions": 0,
     "n_comments": 0, "n_shares": 4, "followers_at_posting": None, "tone": "formal", "formality": 60.0},
    {"post_id": "b1", "page_id": "B", "created_at": "2024-07-01 12:00", "post_type": "status", "n_reactions": 30,
     "n_comments": 4, "n_shares": 2, "followers_at_posting": 2000, "tone": "formal", "formality": 80.0},
    {"post_id": "b2", "page_id": "B", "created_at": "2024-07-02 22:30", "post_type": "video", "n_reactions": 20,
     "n_comments": None, "n_shares": 0, "followers_at_posting": 2000, "tone": "formal", "formality": 70.0},
]
#   a1: anna asks, the page answers 2 h later.
#   b1: bo thanks (not a question); cia asks, the page answers 50 h later.  b2: dan remarks, no answer.
COMMENTS = [
    ("c1", "a1", None, "p_anna", "2024-01-01 10:00", "När öppnar simhallen?"),
    ("c2", "a1", "c1", "A", "2024-01-01 12:00", "Klockan tio."),
    ("d1", "b1", None, "p_bo", "2024-07-01 13:00", "Tack for infoen."),
    ("d2", "b1", None, "p_cia", "2024-07-01 13:30", "Hvorfor er vegen stengt?"),
    ("d3", "b1", "d2", "B", "2024-07-03 15:30", "Graving."),
    ("e1", "b2", None, "p_dan", "2024-07-03 08:00", "Bra!"),
]


def tiny(comments=COMMENTS, posts=POSTS, pages=PAGES):
    rows = [{"comment_id": i, "post_id": p, "parent_id": par, "author_id": a, "author_is_page": a in ("A", "B"),
             "created_at": t, "text": text, "lang": "sv" if p.startswith("a") else "nb"}
            for i, p, par, a, t, text in comments]
    return make_dataset(pages, posts, rows)


def test_municipality_table_by_hand():
    t = compare.municipality_table(tiny(), min_threads=1)
    assert list(t.columns) == compare.COLUMNS
    assert list(t.index) == ["B", "A"]  # sorted by name: Fjordvik before Sjöviks
    a, b = t.loc["A"], t.loc["B"]
    assert (a["municipality_code"], a["country"], b["municipality_code"]) == ("0180", "SE", "0301")
    # A: followers at posting 1000 and (a2 lacks it) the page's 1000 -> mean 1000, "mixed"
    assert (a["followers"], a["followers_at_posting"], a["followers_source"]) == (1000, 1000.0, "mixed")
    # B: latest 2500, but both posts were published at 2000 followers
    assert (b["followers"], b["followers_at_posting"], b["followers_source"]) == (2500, 2000.0, "at_posting")
    assert a["population"] == 10000 and a["followers_per_1000_inhabitants"] == 100.0  # 1000 x 1000 / 10000
    assert pd.isna(b["population"]) and pd.isna(b["followers_per_1000_inhabitants"])
    # 2 posts within a week: posts_per_week counts at least one week -> 2.0
    assert (a["posts"], a["posts_per_week"], b["posts"], b["posts_per_week"]) == (2, 2.0, 2, 2.0)
    assert a["first_post"] == pd.Timestamp("2024-01-01 09:00", tz="UTC")
    assert b["last_post"] == pd.Timestamp("2024-07-02 22:30", tz="UTC")
    # tone: A one of two conversational, formality (20 + 60) / 2; B none, (80 + 70) / 2
    assert (a["share_conversational"], a["mean_formality"]) == (0.5, 40.0)
    assert (b["share_conversational"], b["mean_formality"]) == (0.0, 75.0)
    # Bonsón: A reactions 10, 0 -> P2 5, P3 5 x 1000 / 1000 = 5; comments 4, 0 -> C3 2; shares 0, 4 -> V3 2
    assert (a["P3"], a["C3"], a["V3"], a["E"]) == (5.0, 2.0, 2.0, 9.0)
    # B: reactions 30, 20 -> P2 25, P3 25 x 1000 / 2000 = 12.5; only b1's count is known: C2 4, C3 2;
    # shares 2, 0 -> V2 1, V3 0.5; E = 15
    assert (b["P3"], b["C3"], b["V3"], b["E"]) == (12.5, 2.0, 0.5, 15.0)
    # A: one thread, a question, answered after 2 h -> dialogue
    assert (a["threads"], a["answer_rate"], a["questions"], a["question_answer_rate"]) == (1, 1.0, 1, 1.0)
    assert (a["median_hours_to_answer"], a["dialogue"]) == (2.0, "dialogue")
    # B: three threads (d1, d2, e1), d2 asked and answered after 50 h: 1/3 answered but too slowly
    assert (b["threads"], b["answer_rate"], b["questions"], b["question_answer_rate"]) == (3, 1 / 3, 1, 1.0)
    assert (b["median_hours_to_answer"], b["dialogue"]) == (50.0, "one-way")
    # coverage: A 2 comments present of 4 reported; B counts only b1 (b2's count is missing): 3 of 4
    assert (a["comments_present"], a["comments_reported"], a["comment_coverage"]) == (2, 4, 0.5)
    assert (b["comments_present"], b["comments_reported"], b["comment_coverage"]) == (4, 4, 0.75)
    assert t.attrs["tone_method"] == "index" and t.attrs["threshold"] == 50


def test_dialogue_needs_enough_threads():
    t = compare.municipality_table(tiny())  # default: at least 10 threads
    assert t["dialogue"].isna().all() and t.loc["B", "answer_rate"] == 1 / 3


def test_the_table_reuses_the_package_functions():
    ds = tiny()
    t = compare.municipality_table(ds, min_threads=1)
    pm = ks.engagement.page_metrics(ds)
    resp = ks.network.responsiveness(ds, min_threads=1)
    assert np.allclose(t["E"], pm["E"].reindex(t.index)) and np.allclose(t["P3"], pm["P3"].reindex(t.index))
    assert np.allclose(t["answer_rate"], resp["answer_rate"].reindex(t.index))


def test_an_export_without_comments_leaves_responsiveness_missing():
    """CrowdTangle-like: counts but no comments table. Answer rates are unknown, not 0."""
    t = compare.municipality_table(tiny(comments=[]))
    for col in ("threads", "answer_rate", "questions", "question_answer_rate", "median_hours_to_answer", "dialogue"):
        assert t[col].isna().all(), col
    assert t["comments_present"].tolist() == [0, 0]
    assert t["comment_coverage"].tolist() == [0.0, 0.0]  # none of the 4 + 4 reported comments is present
    assert t["E"].notna().all()  # engagement rests on the counts, which the export has
    text = compare.caveats(t).data
    assert "no comments" in text and "unknown, not zero" in text


def test_an_export_without_counts_has_unknown_coverage():
    """DYI-like: no comment counts and no comments."""
    posts = [dict(p, n_comments=None) for p in POSTS]
    t = compare.municipality_table(tiny(comments=[], posts=posts))
    assert t["comments_reported"].isna().all() and t["comment_coverage"].isna().all()
    assert t["answer_rate"].isna().all() and t["C3"].isna().all()


def test_a_page_without_posts_keeps_its_row():
    pages = PAGES + [{"page_id": "C", "page_name": "Tomby kommun", "municipality_code": "2999", "country": "SE",
                      "followers": 50}]
    t = compare.municipality_table(tiny(pages=pages))
    c = t.loc["C"]
    assert c["posts"] == 0 and c["followers"] == 50
    assert pd.isna(c["E"]) and pd.isna(c["answer_rate"]) and pd.isna(c["first_post"])


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match="kommunsocial.Dataset"):
        compare.municipality_table(pd.DataFrame())
    with pytest.raises(ValueError, match="tone_method"):
        compare.municipality_table(tiny(), tone_method="vibes")


def test_caveats_name_small_pages_short_periods_and_tone():
    t = compare.municipality_table(tiny())
    text = compare.caveats(t).data
    assert "2 of 2 pages have fewer than 50 posts" in text
    assert "Fjordvik kommune" in text and "Sjöviks kommun" in text
    assert "formality index" in text and "≥ 50" in text
    # each page covers a few days of the 2024-01-01 .. 2024-07-02 span
    assert "2 page(s) cover less than three quarters" in text
    assert "Below 80 %" in text  # coverage 50 % and 75 %


def test_correlations_by_hand():
    # ranks of x: 1 3 2 4 against 1 2 3 4: d² = 0 + 1 + 1 + 0 = 2; rho = 1 - 6 x 2 / (4 x 15) = 0.8
    t = pd.DataFrame({"E": [1.0, 2.0, 3.0, 4.0], "answer_rate": [0.1, 0.3, 0.2, 0.4],
                      "share_conversational": [np.nan] * 4})
    c = compare.correlations(t, columns=["answer_rate", "share_conversational"])
    assert c.loc["answer_rate", "rho"] == pytest.approx(0.8) and c.loc["answer_rate", "pages"] == 4
    assert c.loc["share_conversational", "pages"] == 0 and np.isnan(c.loc["share_conversational", "rho"])


def test_save_table_keeps_codes_and_ids(tmp_path):
    path = compare.save_table(compare.municipality_table(tiny()), tmp_path / "out")
    back = pd.read_csv(path, dtype={"municipality_code": str})
    assert back["page_id"].tolist() == ["B", "A"] and back["municipality_code"].tolist() == ["0301", "0180"]
    assert back.loc[1, "first_post"] == "2024-01-01T09:00:00Z"


# -- the sample --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_table(sample_dataset):
    return compare.municipality_table(sample_dataset)


def test_sample_table_equals_its_sources(sample_dataset, sample_table):
    t = sample_table
    assert len(t) == len(sample_dataset.pages) == 12
    resp = ks.network.responsiveness(sample_dataset).reindex(t.index)
    pm = ks.engagement.page_metrics(sample_dataset).reindex(t.index)
    np.testing.assert_array_equal(t["answer_rate"].to_numpy(), resp["answer_rate"].to_numpy())
    np.testing.assert_array_equal(t["question_answer_rate"].to_numpy(), resp["question_answer_rate"].to_numpy())
    np.testing.assert_array_equal(t["E"].to_numpy(), pm["E"].to_numpy())
    np.testing.assert_array_equal(t["share_conversational"].to_numpy(), pm["share_conversational"].to_numpy())
    # the Graph API sample has every comment: coverage is complete
    assert (t["comment_coverage"] == 1.0).all() and t["comments_present"].sum() == len(sample_dataset.comments)


def test_sample_answer_rates_match_the_planted_ones(sample_table):
    planted = pd.DataFrame(ks.sample.planted(n_pages=12, years=2, seed=0)["pages"]).set_index("page_id")
    t = sample_table.join(planted[["thread_answer_rate"]])
    # each page's answer rate lies in the 99 % Wilson interval around its observed rate
    low, high = wilson_interval(t["answer_rate"] * t["threads"].astype(float), t["threads"].astype(float), z=2.576)
    inside = (low <= t["thread_answer_rate"]) & (t["thread_answer_rate"] <= high)
    assert inside.all(), t.loc[~inside, ["page_name", "answer_rate", "thread_answer_rate", "threads"]]
    # and the ordering of the pages by answer rate follows the planted one
    rho = t[["answer_rate", "thread_answer_rate"]].corr(method="spearman").iloc[0, 1]
    assert rho > 0.8


# -- the sortable table ------------------------------------------------------------------------------
def test_sortable_html_holds_the_script_and_the_data(sample_table):
    html = compare.sortable(compare.readable(sample_table))._repr_html_()
    assert html.count("<script>") == 1 and "addEventListener" in html and "http" not in html
    table_id = html.split('<table id="')[1].split('"')[0]
    assert f'getElementById("{table_id}")' in html
    # names carry their rank in the Swedish alphabet for sorting (the table is sorted by name already)
    for rank, name in enumerate(sample_table["page_name"]):
        assert f'data-k="{rank}">{name}</td>' in html
    # numbers carry their full value for sorting, the cell shows it rounded
    e = float(sample_table["E"].iloc[0])
    assert f'data-k="{round(e, 2)!r}">{e:.2f}<' in html
    assert html.count("<tr>") == len(sample_table) + 1
    assert "Warning" not in html and "def " not in html  # tests/notebooks/test_notebooks.py rejects these


def test_sortable_marks_missing_values_and_types():
    frame = pd.DataFrame({"page": ["Älvby", "Sjövik", "Lyngstad"], "rate": [0.5, np.nan, 0.25],
                          "n": pd.array([10, None, 9], dtype="Int64")})
    html = compare.sortable(frame, missing="n/a")._repr_html_()
    assert html.count('<td class="na">n/a</td>') == 2  # no data-k: sorts last
    assert '<th data-type="number" title="click to sort">rate</th>' in html
    assert '<th data-type="text" title="click to sort">page</th>' in html
    # Lyngstad, Sjövik, Älvby in the Swedish alphabet
    assert 'data-k="2">Älvby<' in html and 'data-k="0">Lyngstad<' in html
    assert 'data-k="10.0">10<' in html and 'data-k="0.25">0.25<' in html and 'data-k="0.5">0.50<' in html
    with pytest.raises(TypeError):
        compare.sortable([1, 2])


def test_sortable_survives_nbconvert(tmp_path, sample_table):
    """The report's HTML (nbconvert, as ks.report.run.to_html) keeps the script and the table."""
    shown = compare.sortable(compare.readable(sample_table))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("compare.sortable(table)")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": shown._repr_html_(),
                                                                   "text/plain": repr(shown)}, execution_count=1)]
    nb.cells = [cell]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    html = ks.report.run.to_html(path)
    assert "addEventListener" in html and "Sjöviks kommun" in html and "data-k=" in html


_MOCK_DOM = """
const make = (v) => ({getAttribute: (k) => (k === "data-k" ? v : null)});
const rows = %(rows)s.map((r, i) => ({id: i, cells: r.map(make)}));
const body = {rows: rows.slice(), appendChild(r) { this.rows.splice(this.rows.indexOf(r), 1); this.rows.push(r); }};
const heads = %(types)s.map((t) => {
  const h = {attrs: {"data-type": t}, getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
             setAttribute(k, v) { this.attrs[k] = v; }, removeAttribute(k) { delete this.attrs[k]; },
             addEventListener(e, f) { this.click = f; }};
  return h;
});
const table = {attrs: {}, getAttribute(k) { return this.attrs[k] || null; }, setAttribute(k, v) { this.attrs[k] = v; },
               tHead: {rows: [{cells: heads}]}, tBodies: [body]};
global.document = {getElementById: () => table};
%(script)s
const out = [];
heads[0].click(); out.push(body.rows.map((r) => r.id));
heads[0].click(); out.push(body.rows.map((r) => r.id));
heads[1].click(); out.push(body.rows.map((r) => r.id));
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the table's JavaScript")
def test_sortable_script_sorts_numbers_numerically_and_missing_last(tmp_path):
    # rows: (number, text); lexicographic order would put "100" before "9"
    names = pd.Series(["Älvby", "Bjørkdal", "aal", None])
    frame = pd.DataFrame({"x": [100, None, 9, 10.5], "name": names})
    html = compare.sortable(frame)._repr_html_()
    # each row's data-k as the table writes it (None: a missing cell has none)
    rows = [[re.search(r'data-k="([^"]+)"', c).group(1) if "data-k" in c else None for c in re.findall(r"<td[^>]*>", r)]
            for r in html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]]
    script = html.split("<script>")[1].split("</script>")[0]
    js = _MOCK_DOM % {"rows": json.dumps(rows), "types": json.dumps(["number", "text"]), "script": script}
    (tmp_path / "t.js").write_text(js, encoding="utf-8")
    result = subprocess.run(["node", str(tmp_path / "t.js")], capture_output=True, text=True, timeout=30, check=True)
    ascending, descending, text = json.loads(result.stdout)
    assert ascending == [2, 3, 0, 1]  # 9 < 10.5 < 100, the missing value last
    assert descending == [0, 3, 2, 1]  # reversed, the missing value still last
    assert text == [2, 1, 0, 3]  # aal, Bjørkdal, Älvby (after z), the missing name last


# -- figures -------------------------------------------------------------------------------------------
def _label_boxes(fig):
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    # the text's own box (an Annotation's extent also spans its leader line)
    return ax, [Text.get_window_extent(a, renderer) for a in ax.texts if a.get_text()]


def _no_overlaps(fig, n):
    fig.canvas.draw()
    ax, boxes = _label_boxes(fig)
    assert len(boxes) == n
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    for i, a in enumerate(boxes):
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_sample_figures_label_every_page_without_overlaps(sample_table, tmp_path):
    for make in (cplots.conversational_vs_engagement, cplots.answer_rate_vs_engagement):
        fig = make(sample_table)
        _no_overlaps(fig, 12)
        assert {t.get_text() for t in fig.axes[0].texts} == set(sample_table["page_name"])
        paths = ks.report.save(fig, tmp_path, make.__name__)
        assert [p.suffix for p in paths] == [".png", ".svg"] and all(p.stat().st_size > 5000 for p in paths)
        plt.close(fig)


def test_crowded_points_get_separate_labels():
    rng = np.random.default_rng(3)
    n = 12
    t = pd.DataFrame({"page_name": [f"Kommun nummer {i}" for i in range(n)], "country": ["SE", "NO"] * 6,
                      "followers": pd.array(rng.integers(500, 30000, n), dtype="Int64"),
                      # nine points in a tight knot, three apart
                      "share_conversational": np.r_[0.50 + rng.normal(0, 0.004, 9), [0.1, 0.9, 0.3]],
                      "E": np.r_[5 + rng.normal(0, 0.02, 9), [2.0, 9.0, 8.0]]})
    fig = cplots.conversational_vs_engagement(t)
    _no_overlaps(fig, n)
    # marker area grows with followers
    sizes = fig.axes[0].collections[0].get_sizes()
    order = np.argsort(-t["followers"].to_numpy(dtype=float), kind="stable")
    assert np.all(np.diff(sizes) <= 0) and sizes[0] == cplots.SIZE_RANGE[1]
    assert len(order) == len(sizes)
    plt.close(fig)


def test_many_pages_are_not_labelled():
    n = 45
    t = pd.DataFrame({"page_name": [f"K{i}" for i in range(n)], "country": "SE", "followers": 1000,
                      "answer_rate": np.linspace(0.1, 0.9, n), "E": np.linspace(2, 8, n)})
    fig = cplots.answer_rate_vs_engagement(t)
    texts = [a.get_text() for a in fig.axes[0].texts]
    assert texts == ["45 pages: too many to label"]
    plt.close(fig)


def test_a_figure_without_answer_rates_says_why():
    t = compare.municipality_table(tiny(comments=[]))
    fig = cplots.answer_rate_vs_engagement(t)
    assert "no comments" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


# -- the report ----------------------------------------------------------------------------------------
def test_report_shows_the_sortable_table_figures_caveats_and_saves_its_exports(executed, sample_dataset):
    out, pages = executed
    html = pages["05-compare-municipalities"].read_text()
    assert "addEventListener" in html and 'class="ks-sortable"' in html
    for name in sample_dataset.pages["page_name"]:
        assert re.search(rf'data-k="\d+">{re.escape(name)}</td>', html)
    assert html.count("<details>") == 2  # the detail columns, folded
    assert html.count("<img") >= 2  # the two scatter plots
    # the header: every page, side by side, on the synthetic sample with the planted tone effect
    planted = ks.sample.planted_tone_irr("sample")
    assert f"all {len(sample_dataset.pages)} pages, side by side" in html and "Synthetic data" in html
    assert f"{planted['comments']:g} times the comments" in html
    for caveat in ("Page size", "Period", "Missing comments", "Tone is measured", "Followers at posting vs latest",
                   "Correlation is not causation"):
        assert caveat in html
    exports = out / "exports"
    for name in ("conversational-vs-engagement", "answer-rate-vs-engagement"):
        assert (exports / f"{name}.png").is_file() and (exports / f"{name}.svg").is_file()
    saved = pd.read_csv(exports / "municipalities.csv", dtype={"page_id": str, "municipality_code": str})
    resp = ks.network.responsiveness(sample_dataset)
    assert np.allclose(saved.set_index("page_id")["answer_rate"], resp["answer_rate"].reindex(saved["page_id"]))
    assert set(saved["municipality_code"]) == set(sample_dataset.pages["municipality_code"])  # "0169" kept
