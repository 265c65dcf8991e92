"""One palette for every report: formal and conversational drawn in the same two colours by every figure
that draws tone, and no other figure using those two colours; one keyword for the tone method."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import kommunsocial as ks  # noqa: E402
from kommunsocial.engagement import plots as eplots  # noqa: E402
from kommunsocial.network._example import make_dataset  # noqa: E402
from kommunsocial.report import compare, compare_plots, quality_plots, style  # noqa: E402
from kommunsocial.report.style import TONE_COLOURS  # noqa: E402
from kommunsocial.tone import plots as tone_plots  # noqa: E402

FORMAL, CONVERSATIONAL = TONE_COLOURS["formal"], TONE_COLOURS["conversational"]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _hex(colour) -> str:
    return to_hex(colour, keep_alpha=False)


def test_the_two_tone_colours_are_the_colour_blind_palette_blue_and_orange():
    assert (FORMAL, CONVERSATIONAL) == ("#0173b2", "#de8f05")
    assert FORMAL not in style.OTHER_COLOURS and CONVERSATIONAL not in style.OTHER_COLOURS
    # the palette's ten colours less the two tones and its grey (the neutral grey is apart)
    assert len(set(style.OTHER_COLOURS)) == 7 and "#949494" not in style.OTHER_COLOURS
    ramp = style.tone_ramp(5)
    assert (ramp[0], ramp[-1]) == (CONVERSATIONAL, FORMAL) and ramp[2] == "#eeeeee"


@pytest.fixture
def metrics():
    # two pages, two months; per page and month one formal and one conversational post
    rows = []
    for page in ("Alby kommun", "Byvik kommun"):
        for month in ("2024-01", "2024-02"):
            for tone, k in (("formal", 1.0), ("conversational", 3.0)):
                rows.append({"page_name": page, "month": month, "tone": tone, "reactions_per_1000": k,
                             "comments_per_1000": k / 2, "shares_per_1000": k / 4, "interactions_per_1000": 2 * k})
    return pd.DataFrame(rows)


def test_engagement_bars_by_tone(metrics):
    fig = eplots.by_tone(metrics)
    assert [ax.get_title() for ax in fig.axes] == ["reactions", "comments", "shares"]  # one panel, one scale each
    for ax, mean_conversational in zip(fig.axes, (3.0, 1.5, 0.75)):
        colours = {c.get_label(): {_hex(p.get_facecolor()) for p in c.patches} for c in ax.containers
                   if hasattr(c, "patches")}
        assert colours == {"formal": {FORMAL}, "conversational": {CONVERSATIONAL}}
        heights = {c.get_label(): c.patches[0].get_height() for c in ax.containers if hasattr(c, "patches")}
        assert heights == {"formal": mean_conversational / 3, "conversational": mean_conversational}
        # comments (1.5) are not squeezed under reactions (3): each panel's axis reaches just above its bars
        assert mean_conversational < ax.get_ylim()[1] < 2 * mean_conversational


def test_engagement_points_by_municipality(metrics):
    ax = eplots.by_municipality(metrics).axes[0]
    colours = {c.get_label(): {_hex(f) for f in c.get_facecolors()} for c in ax.collections}
    assert colours == {"formal": {FORMAL}, "conversational": {CONVERSATIONAL}}


def test_engagement_trend_lines(metrics):
    ax = eplots.trends(metrics).axes[0]
    assert {line.get_label(): _hex(line.get_color()) for line in ax.lines} == {"formal": FORMAL,
                                                                              "conversational": CONVERSATIONAL}


@pytest.fixture
def scored():
    month = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01"])
    return pd.DataFrame({"page": ["Alby kommun", "Alby kommun", "Byvik kommun", "Byvik kommun"], "lang": "sv",
                         "formality": [10.0, 90.0, 30.0, 70.0],
                         "tone": ["conversational", "formal", "conversational", "formal"], "month": month})


def test_tone_by_month_lines(scored):
    ax = tone_plots.formality_by_month(scored).axes[0]
    colours = {line.get_label(): _hex(line.get_color()) for line in ax.lines}
    assert colours == {"conversational posts (%)": CONVERSATIONAL, "mean formality (0–100)": FORMAL}


def test_formality_bands_run_from_the_conversational_to_the_formal_colour(scored):
    ax = tone_plots.formality_distributions(scored).axes[0]
    colours = {c.get_label(): {_hex(p.get_facecolor()) for p in c.patches} for c in ax.containers}
    assert colours["0–20 very conversational"] == {CONVERSATIONAL}
    assert colours["80–100 very formal"] == {FORMAL}
    assert colours["40–60 mixed"] == {"#eeeeee"}


def _all_colours(fig) -> set:
    """Every face and edge colour of the figure's bars, markers and lines."""
    out = set()
    for ax in fig.axes:
        for p in ax.patches:
            out.add(_hex(p.get_facecolor()))
        for c in ax.collections:
            out |= {_hex(f) for f in np.atleast_2d(c.get_facecolors()) if len(f)}
        out |= {_hex(line.get_color()) for line in ax.lines}
    return out


def test_figures_without_tone_leave_the_tone_colours_alone():
    ds = make_dataset(
        [{"page_id": "A", "page_name": "Alby kommun", "country": "SE", "followers": 1000},
         {"page_id": "B", "page_name": "Byvik kommune", "country": "NO", "followers": 500}],
        [{"post_id": p, "page_id": p[0], "created_at": f"2024-0{m}-01 08:00", "lang": lang, "n_comments": 0,
          "n_reactions": 3, "n_shares": 1}
         for p, m, lang in (("A1", 1, "sv"), ("A2", 2, "en"), ("B1", 1, "nb"), ("B2", 3, "und"))], [])
    table = compare.municipality_table(ds, tone_method=None)
    table["answer_rate"] = [0.5, 0.25]  # a made-up rate: only the colours are checked
    for fig in (quality_plots.language_mix(ds), quality_plots.posts_per_month(ds),
                compare_plots.answer_rate_vs_engagement(table)):
        drawn = _all_colours(fig)
        assert drawn and not drawn & {FORMAL, CONVERSATIONAL}, drawn


@pytest.mark.parametrize("call", [
    lambda ds: ks.tone.add_tone(ds.posts, tone_method="vibes"),
    lambda ds: ks.tone.summaries.scored_posts(ds, tone_method="vibes"),
    lambda ds: ks.engagement.post_metrics(ds, tone_method="vibes"),
    lambda ds: ks.engagement.page_metrics(ds, tone_method="vibes"),
    lambda ds: compare.municipality_table(ds, tone_method="vibes"),
])
def test_one_keyword_and_one_message_for_the_tone_method(call):
    ds = make_dataset([{"page_id": "A"}], [{"post_id": "A1", "page_id": "A", "created_at": "2024-01-01"}], [])
    with pytest.raises(ValueError, match=r"^tone_method='vibes': choose 'index' or 'classifier'"):
        call(ds)
