"""Tables and figures a reader can read: human headers, formatted numbers, text left-aligned, no
empty-by-design column called missing, languages shown with how sure detection is, small groups
kept from stretching a figure, and log axes labelled as plain numbers."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from kommunsocial import language  # noqa: E402
from kommunsocial.engagement import plots as eplots  # noqa: E402
from kommunsocial.network import plots as netplots  # noqa: E402
from kommunsocial.network._example import make_dataset  # noqa: E402
from kommunsocial.report import quality, render, style  # noqa: E402
from kommunsocial.tone import plots as tone_plots  # noqa: E402
from kommunsocial.tone import summaries  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _cells(html: str) -> list:
    return re.findall(r"<td [^>]*>(.*?)</td>", html)


def _headers(html: str) -> list:
    return re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>(.*?)</th>', html)


def test_headers_are_words():
    assert [render.header(c) for c in ("mean_formality", "conversational_%", "n_comments", "ci_low", "p_value",
                                       "posts_per_week", "longest_gap_days", "interactions_per_1000", "E",
                                       "page's share of comments %")] == [
        "mean formality", "conversational (%)", "comments", "95 % CI low", "p", "posts per week",
        "longest gap (days)", "interactions per 1,000", "E", "page's share of comments %"]


def test_a_table_formats_numbers_once_per_column_and_aligns_text_left():
    frame = pd.DataFrame({"page_name": ["Umeå kommun", "Älvby kommun"], "n_posts": [3256, 12],
                          "mean_formality": [50.25, 7.5], "p_value": [0.0004, 0.5], "ci_high": [np.inf, 2.0]})
    html = render.table(frame).to_html()
    assert _headers(html) == ["page", "posts", "mean formality", "p", "95 % CI high"]
    # 3,256 with a separator; 50.25 and 7.5 both with two decimals; p below 0.001 escaped; infinity as ∞
    assert _cells(html) == ["Umeå kommun", "3,256", "50.25", "&lt; 0.001", "∞",
                            "Älvby kommun", "12", "7.50", "0.500", "2"]
    assert "<th" not in html.split("<tbody>")[1].split("</tr>")[0].split("<td")[0]  # 0, 1 … index left out
    style = html.split("</style>")[0]
    text_cell = re.search(r"td\.col0 \{([^}]*)\}", style).group(1)
    number_cell = re.search(r"td\.col1 \{([^}]*)\}", style).group(1)
    assert "text-align: left" in text_cell and "text-align: right" in number_cell
    assert re.search(r"th\.col_heading\.col0 \{\s*text-align: left", style)
    assert re.search(r"th\.col_heading\.col1 \{\s*text-align: right", style)


def test_a_table_with_a_name_twice_is_shown():
    # a municipality's Facebook page and X account may share a name; the table is shown all the same
    frame = pd.DataFrame({"posts": [3, 4], "note": ["a", "b"]}, index=pd.Index(["Umeå kommun"] * 2, name="page"))
    html = render.show(frame, empty="none", wrap=["note"]).to_html()
    assert _cells(html) == ["3", "a", "4", "b"] and html.count(">Umeå kommun<") == 2
    assert re.search(r"td\.col1 \{[^}]*white-space: pre-wrap", html)


def test_a_long_table_shows_its_first_rows_and_says_so():
    html = render.table(pd.DataFrame({"n": range(render.MAX_ROWS + 5)})).to_html()
    assert len(_cells(html)) == render.MAX_ROWS
    assert f"The first {render.MAX_ROWS:,} of {render.MAX_ROWS + 5:,} rows." in html


def test_show_gives_the_readable_table_or_the_sentence():
    assert "3,256" in render.show(pd.DataFrame({"posts": [3256]}), empty="none").to_html()
    assert render.show(pd.DataFrame(), empty="none").data == "*none*"


def _dataset():
    posts = [{"post_id": "A1", "page_id": "A", "created_at": "2024-01-01 08:00", "lang": "sv",
              "text": "Vi har öppet hela sommaren och välkomnar alla besökare till biblioteket."},
             {"post_id": "A2", "page_id": "A", "created_at": "2024-01-02 08:00", "lang": "und", "text": "Hej!"},
             {"post_id": "A3", "page_id": "A", "created_at": "2024-01-03 08:00", "lang": "sv",
              "text": "Kommunfullmäktige sammanträder på torsdag i stadshuset, alla är välkomna att lyssna."}]
    comments = [{"comment_id": "c1", "post_id": "A1", "parent_id": None, "author_id": "p_1", "author_is_page": False,
                 "created_at": "2024-01-01 09:00"},
                {"comment_id": "c2", "post_id": "A1", "parent_id": "c1", "author_id": "A", "author_is_page": True,
                 "created_at": "2024-01-01 10:00"},
                {"comment_id": "c3", "post_id": "A3", "parent_id": None, "author_id": "p_2", "author_is_page": False,
                 "created_at": "2024-01-03 09:00"}]
    return make_dataset([{"page_id": "A", "page_name": "Alby kommun"}], posts, comments)


def test_top_level_comments_are_not_missing_a_parent():
    ds = _dataset()
    assert not ((quality.missing_values(ds)["table"] == "comments") &
                (quality.missing_values(ds)["column"] == "parent_id")).any()
    assert quality.missing_values_note(ds) == ("2 of 3 comments (66.7 %) have no parent_id: they are top-level "
                                               "comments, empty by design, not missing.")


def test_the_language_table_counts_short_posts_and_reads_confidence():
    table = quality.language_confidence(_dataset())
    assert table.loc["und", "posts"] == 1 and table.loc["und", "too short to tell"] == 1
    assert table.loc["sv", "posts"] == 2 and table.loc["sv", "too short to tell"] == 0
    assert table.loc["sv", "posts read"] == 2 and table.loc["sv", "median confidence"] > 0.9
    assert table.loc["sv", "confidence below 0.5 (%)"] == 0.0
    assert pd.isna(table.loc["und", "median confidence"])  # und is not read
    assert quality.language_confidence_note(table).startswith("1 of 3 posts (33.3 %) were too short to tell")
    by_page = quality.language_confidence_by_page(_dataset())
    assert by_page.loc["Alby kommun", "main language"] == "sv" and by_page.loc["Alby kommun", "posts detected"] == 2
    assert by_page.loc["Alby kommun", "in another language (%)"] == 0.0  # both long posts Swedish
    assert pd.isna(by_page.loc["Alby kommun", "their median confidence"])


def test_a_page_with_posts_in_a_second_language_shows_how_sure_those_are():
    ds = _dataset()
    ds.posts.loc[ds.posts["post_id"] == "A3", "lang"] = "da"  # a Swedish text stored as Danish
    row = quality.language_confidence_by_page(ds).loc["Alby kommun"]
    assert row["in another language (%)"] == 50.0  # 1 of the 2 posts long enough to tell
    assert row["their median confidence"] < 0.5 and row["their confidence below 0.5 (%)"] == 100.0


def test_detection_confidence_is_missing_for_short_texts_and_other_languages():
    found = language.detection_confidence(["Hej!", "Vi har öppet hela sommaren och välkomnar alla.",
                                           "As melhores coisas o dinheiro não compra!"], ["sv", "sv", "other"])
    assert pd.isna(found["confidence"].iloc[0]) and pd.isna(found["confidence"].iloc[2])
    assert 0.5 < found["confidence"].iloc[1] <= 1.0 and found["runner_up"].iloc[1] in language.DETECTED
    # the six languages' confidences sum to 1: the same text read as Danish gets what Swedish does not
    as_danish = language.detection_confidence(["Vi har öppet hela sommaren och välkomnar alla."], ["da"])
    assert as_danish["confidence"].iloc[0] < 1 - found["confidence"].iloc[1] + 1e-9


def test_a_language_with_few_posts_does_not_get_bars_in_what_drives_the_index():
    sv = ["Vi har öppet hela sommaren och välkomnar alla besökare!", "Kommunstyrelsen beslutade om taxan.",
          "Hej! Nu är badplatsen öppen, kom och bada med oss!"]
    posts = pd.DataFrame({"text": sv * 12 + ["Kommunen har vedtaget budgettet for næste år."],
                          "lang": ["sv"] * 36 + ["da"], "formality": [50.0] * 37})
    ax = tone_plots.drivers(posts).axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sv"]
    # Swedish in its colour of the language mix, though it is now the first (and only) language drawn
    assert {to_hex(p.get_facecolor()) for p in ax.patches if p.get_width()} == {style.LANGUAGE_COLOURS["sv"]}
    assert ax.get_title(loc="left") == f"Languages left out, fewer than {tone_plots.MIN_DRIVER_POSTS} scored posts: da (1)"
    only_few = tone_plots.drivers(posts[posts["lang"] == "da"])
    assert "da (1)" in only_few.axes[0].texts[0].get_text()  # an empty figure that says why


def test_naive_and_adjusted_ratios_and_degrees_on_plain_log_axes():
    gap = pd.DataFrame({"outcome": ["comments", "comments"], "model": ["naive", "adjusted"], "irr": [0.9, 1.3],
                        "ci_low": [0.7, 1.1], "ci_high": [1.1, 1.6]})
    ax = eplots.naive_vs_adjusted(gap).axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.7", "0.8", "1", "1.25", "1.5"]
    ds = make_dataset([{"page_id": "A"}], [{"post_id": "A1", "page_id": "A", "created_at": "2024-01-01"}],
                      [{"comment_id": f"c{i}", "post_id": "A1", "parent_id": None if i == 0 else "c0",
                        "author_id": f"p_{i}", "author_is_page": False, "created_at": f"2024-01-01 0{i}:00"}
                       for i in range(4)])
    from kommunsocial import network

    fig = netplots.degree_distribution(network.reply_tables(ds))
    ax = fig.axes[0]
    assert all(re.fullmatch(r"[0-9.]+", t.get_text()) for t in ax.get_xticklabels() + ax.get_yticklabels())


def test_validation_rows_on_few_posts_and_perfect_agreement_get_a_sentence():
    scores = pd.DataFrame({"n": [30, 2, 28], "accuracy": [1.0, 1.0, 1.0]},
                          index=pd.Index(["all", "da", "sv"], name="lang"))
    note = summaries.against_coders_note({"scores": scores})
    assert note.startswith("The row of da rests on fewer than 20 coded posts (da: 2): its scores, an accuracy of "
                           "1.000 among them, are a few posts' luck")
    assert "The index agrees with the coders on all 30 coded posts." in note
    assert summaries.against_coders_note({"scores": scores.assign(n=[90, 40, 50], accuracy=0.9)}) == ""
