"""Data shaped unlike the sample: posts without text, pages with one post, no follower counts, a page
that never answers, too few posts for a model. Each gives computed values and a sentence, never a crash."""

import numpy as np
import pandas as pd

from kommunsocial import engagement
from kommunsocial.engagement import plots as eplots
from kommunsocial.network import plots as netplots
from kommunsocial.report import quality
from kommunsocial.tone import add_tone, summaries
from kommunsocial.tone.tagging import has_text

FORMAL = "Ansökan ska inkomma i enlighet med gällande regler."


def test_posts_without_words_get_no_score():
    posts = pd.DataFrame({"post_id": ["1", "2", "3", "4"], "lang": ["sv"] * 4,
                          "text": ["", "https://www.example.org/a?b=1 ", FORMAL, "Hej! Kul att ni kom 😊"]})
    scored = add_tone(posts)
    assert scored["formality"].isna().tolist() == [True, True, False, False]
    assert scored["tone"].isna().tolist() == [True, True, False, False]
    assert scored["tone"].iloc[2:].tolist() == ["formal", "conversational"]
    assert has_text(pd.Series(["www.a.se", "ok www.a.se", "   "])).tolist() == [False, True, False]


def test_unscored_posts_are_counted_apart_not_as_formal():
    posts = pd.DataFrame({"page": ["A", "A", "B"], "formality": [np.nan, 20.0, np.nan],
                          "tone": pd.array([pd.NA, "conversational", pd.NA], dtype="string")})
    table = summaries.by_group(posts, "page")
    assert table.to_dict("index") == {"A": {"posts": 1, "mean_formality": 20.0, "median_formality": 20.0,
                                            "conversational_%": 100.0}}
    assert summaries.not_scored(posts).startswith("2 of 3 posts have no text")
    assert "(A: 1, B: 1)" in summaries.not_scored(posts)
    assert summaries.not_scored(posts.iloc[[1]]) == ""


class _Dataset:
    def __init__(self, posts, pages):
        self.posts, self.pages = posts, pages


def test_coverage_of_pages_with_one_post():
    t = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-04", "2024-01-11"], utc=True)
    posts = pd.DataFrame({"page_id": pd.array(["a", "b", "b", "b"], dtype="string"), "created_at": t})
    pages = pd.DataFrame({"page_id": pd.array(["a", "b"], dtype="string"), "page_name": ["A", "B"]})
    cov = quality.coverage(_Dataset(posts, pages))
    assert cov["posts"].tolist() == [1, 3]
    assert np.isnan(cov.loc["A", "longest_gap_days"]) and cov.loc["B", "longest_gap_days"] == 7.0
    # A: one post over the minimum of one week; B: 3 posts over 10 days = 10/7 weeks -> 2.1 a week
    assert cov["posts_per_week"].tolist() == [1.0, 2.1]
    assert quality.coverage_note(cov).startswith("1 of 2 pages has only one post (A)")
    assert quality.coverage_note(cov.loc[["B"]]) == ""


def test_one_tone_only_gives_an_empty_estimate_table_not_an_exception():
    rng = np.random.default_rng(3)
    n = 40
    posts = pd.DataFrame({"comments": rng.poisson(3, n), "reactions": rng.poisson(9, n), "shares": rng.poisson(1, n),
                          "tone": ["formal"] * n, "page_id": ["a"] * (n // 2) + ["b"] * (n // 2),
                          "followers": [1000.0] * n})
    formula = "comments ~ C(tone, Treatment('formal')) + C(page_id)"
    model = engagement.fit(posts, formula=formula, family="poisson", exposure="followers")
    table = engagement.irr_table(model, hide=())
    assert list(table.columns[:5]) == ["term", "irr", "ci_low", "ci_high", "p_value"]
    assert table["term"].tolist() == ["page_id: b"]  # tone has one level: no tone term
    gap = engagement.tone_effect(posts, formula=formula, family="poisson")
    assert gap.empty and list(gap.columns) == ["outcome", "model", "irr", "ci_low", "ci_high", "p_value", "n"]


def test_data_notes_say_what_is_missing():
    full = pd.DataFrame({"page_id": ["a"] * 20 + ["b"] * 20, "followers": pd.array([100] * 40, dtype="Int64"),
                         "formality": [40.0] * 40, "comments": [1] * 40})
    assert engagement.data_notes(full) == ""  # 40 posts of two pages, with followers and text
    assert engagement.data_notes(full.iloc[:29]) == ("Only 29 posts have comment counts: too few posts for the count "
                                                     "model, which needs at least 30.")  # pages a (20) and b (9)
    assert engagement.data_notes(full.iloc[:20]).endswith("This dataset has one page: the model has no page fixed "
                                                          "effects and its standard errors are not clustered by page.")
    half = full.assign(formality=[np.nan] * 10 + [40.0] * 30, followers=pd.array([pd.NA] * 40, dtype="Int64"))
    notes = engagement.data_notes(half)
    assert "no follower counts" in notes and "10 of 40 posts have no text" in notes and "one page" not in notes


def test_counts_per_post_when_no_post_has_followers():
    m = pd.DataFrame({"tone": ["formal", "formal", "conversational"], "reactions": [2, 4, 9],
                      "reactions_per_1000": pd.array([pd.NA] * 3, dtype="Float64")})
    rate, unit = eplots._rate(m, "reactions")
    assert rate.tolist() == [2.0, 4.0, 9.0] and unit == "per post (no follower counts)"
    m["reactions_per_1000"] = pd.array([1.0, pd.NA, 3.0], dtype="Float64")
    rate, unit = eplots._rate(m, "reactions")
    assert rate.iloc[[0, 2]].tolist() == [1.0, 3.0] and unit == "per 1,000 followers"


def test_a_page_that_never_answers_is_said_not_drawn():
    resp = pd.DataFrame({"page_name": ["A", "B"], "threads": [5, 2], "answered_threads": [0, 0],
                         "citizen_comments": [9, 3], "answer_rate": [0.0, 0.0],
                         "median_hours_to_answer": [np.nan, np.nan], "p90_hours_to_answer": [np.nan, np.nan]})
    shown = netplots.responsiveness(resp)
    assert "never answered any of the citizens' 7 threads" in shown.data


def test_no_followers_at_all_fits_counts_without_exposure_and_says_so():
    rng = np.random.default_rng(5)
    n = 60
    posts = pd.DataFrame({"comments": rng.poisson(3, n), "x": rng.normal(size=n), "page_id": ["a"] * n,
                          "followers": pd.array([pd.NA] * n, dtype="Int64")})
    model = engagement.fit(posts, formula="comments ~ x", family="poisson", exposure="followers")
    plain = engagement.fit(posts.drop(columns="followers"), formula="comments ~ x", family="poisson")
    np.testing.assert_allclose(model.params, plain.params, rtol=0, atol=1e-10)
    assert model.kommunsocial["exposure"] is None
    assert any("no post has followers > 0" in note for note in model.notes)


def test_an_empty_table_with_a_text_index_is_saved(tmp_path):
    from kommunsocial import spreadsheet

    empty = pd.DataFrame({"posts": pd.array([], dtype="Int64")}, index=pd.Index([], dtype="string", name="page"))
    spreadsheet.to_csv(empty, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().strip() == "page,posts"


def test_a_model_with_nothing_to_estimate_explains_itself():
    posts = pd.DataFrame({"comments": [1, 2, 3], "tone": pd.array([pd.NA] * 3, dtype="string"),
                          "page_id": ["a", "a", "b"]})
    model = engagement.fit_or_explain(posts, formula="comments ~ C(tone, Treatment('formal'))", family="poisson")
    assert isinstance(model, engagement.NotFitted)
    assert engagement.irr_table(model).empty
    assert model.caveats()["note"].iloc[0].startswith("not estimated: no post has every value")
    fitted = engagement.fit_or_explain(posts.assign(tone="formal"), formula="comments ~ 1", family="poisson",
                                       min_posts=3)
    assert np.isclose(np.exp(fitted.params["Intercept"]), 2.0)  # the mean count


def _metrics(followers, **columns):
    """Four posts of one page, two formal and two conversational, with these counts."""
    m = pd.DataFrame({"page_id": ["a"] * 4, "page_name": ["A"] * 4, "tone": ["formal", "formal", "conversational",
                                                                                "conversational"],
                      "followers": pd.array(followers, dtype="Int64"), "formality": [70.0, 60.0, 20.0, 30.0]})
    for name, values in columns.items():
        m[name] = pd.array(values, dtype="Int64")
    return m


def test_engagement_prose_speaks_of_followers_only_when_there_are_some():
    without, with_ = _metrics([None] * 4), _metrics([None, 2000, None, None])
    for section in ("by_tone", "by_municipality", "bonson", "naive_vs_adjusted", "tone_share", "denominator"):
        assert "no follower counts" in engagement.prose(section, without)
        assert "no follower counts" not in engagement.prose(section, with_)
    assert engagement.prose("by_tone", with_).startswith("Mean counts per 1,000 followers")
    assert engagement.prose("by_tone", without).startswith("Mean counts per post")
    assert "with followers as exposure" in engagement.prose("naive_vs_adjusted", with_)
    assert "without exposure" in engagement.prose("naive_vs_adjusted", without)
    assert not engagement.has_followers(_metrics([0, 0, None, None]))  # 0 followers give no rate either


def test_the_summary_and_bonsons_table_leave_out_what_the_export_lacks():
    m = _metrics([None] * 4, reactions=[1, 2, 3, 6], comments=[0, 0, 1, 1], shares=[None] * 4)
    m["interactions"] = pd.array([None] * 4, dtype="Int64")
    m["interactions_per_1000"] = pd.array([None] * 4, dtype="Float64")
    summary = engagement.count_summary(m)
    assert list(summary.index) == ["reactions", "comments"]  # no shares, so no interactions; no followers
    assert summary.loc["reactions", "mean"] == 3.0 and summary.loc["comments", "posts counted"] == 4
    assert summary.loc["comments", "posts with none"] == 2 and summary.loc["reactions", "median"] == 2.5
    assert summary.loc["reactions", "90th percentile"] == 5.1  # position 0.9 × 3 = 2.7 of 1, 2, 3, 6: 3 + 0.7 × (6 − 3)
    assert engagement.count_summary(m.assign(reactions=pd.array([None] * 4, dtype="Int64"),
                                             comments=pd.array([None] * 4, dtype="Int64"))).empty
    bonson = pd.DataFrame({"P1": [100.0], "P2": [3.0], "followers": [np.nan], "P3": [np.nan], "V3": [np.nan],
                           "E": [np.nan]})
    assert list(engagement.shown_page_metrics(bonson).columns) == ["P1", "P2"]
    assert list(engagement.shown_page_metrics(bonson.assign(followers=500.0, P3=6.0)).columns) == \
        ["P1", "P2", "followers", "P3"]
    assert list(engagement.shown_page_metrics(bonson.assign(V1=[np.nan], V2=[np.nan])).columns) == ["P1", "P2"]


def test_data_notes_name_the_counts_an_export_lacks():
    shares_missing = _metrics([None] * 4, reactions=[1, 2, 3, 6], comments=[0, 0, 1, 1], shares=[None] * 4)
    notes = engagement.data_notes(shares_missing)
    assert "This export has no share counts: shares, the interactions that include them" in notes
    none = _metrics([None] * 4, reactions=[None] * 4, comments=[None] * 4, shares=[None] * 4)
    notes = engagement.data_notes(none)
    assert notes.startswith("This export has no engagement counts (reactions, comments, shares)")
    assert "Only 0 posts" not in notes  # said once, not again as too few for the model


def test_a_model_of_too_few_posts_is_not_shown_as_estimates():
    posts = _metrics([None] * 4, comments=[0, 0, 1, 3], reactions=[1, 2, 3, 6], shares=[0, 0, 0, 1])
    formula = "comments ~ C(tone, Treatment('formal'))"
    model = engagement.fit_or_explain(posts, formula=formula, family="poisson", min_posts=30)
    assert isinstance(model, engagement.NotFitted) and engagement.irr_table(model).empty
    assert model.reason == "only 4 posts have every value the model needs; it needs at least 30"
    # without the floor the same four posts give the ratio of the mean counts, 2 / 0 = infinity
    assert engagement.tone_effect(posts, formula=formula, family="poisson", exposure=None, min_posts=30).empty
    fitted = engagement.fit_or_explain(posts, formula="comments ~ 1", family="poisson", min_posts=0)
    assert np.isclose(np.exp(fitted.params["Intercept"]), 1.0)  # (0 + 0 + 1 + 3) / 4


def test_tone_share_falls_back_to_interactions_per_post_without_followers():
    pm = pd.DataFrame({"page_name": ["A", "B"], "share_conversational": [0.25, 0.5], "P2": [3.0, 5.0],
                       "C2": [1.0, 0.5], "V2": [0.5, 0.25], "E": [np.nan, np.nan]})
    fig = eplots.tone_share_vs_engagement(pm)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "interactions per post (no follower counts)"
    assert ax.collections[0].get_offsets().tolist() == [[25.0, 4.5], [50.0, 5.75]]
    fig = eplots.tone_share_vs_engagement(pm.assign(E=[2.0, 1.0]))
    assert fig.axes[0].get_ylabel() == "engagement E (per 1,000 followers)"



def test_the_comparison_speaks_of_followers_only_when_there_are_some():
    from kommunsocial.report import compare

    none = pd.DataFrame({"followers": [np.nan, np.nan], "followers_at_posting": [np.nan, np.nan]})
    assert "**No follower counts.**" in compare.follower_prose("caveats", none).data
    assert "are empty (–)" in compare.follower_prose("columns", none).data
    some = none.assign(followers_at_posting=[np.nan, 1200.0])
    assert "Page size" in compare.follower_prose("caveats", some).data
    assert "no follower counts" not in compare.follower_prose("columns", some).data.lower()


def test_mean_counts_of_a_few_posts_have_intervals_that_stop_at_zero():
    # formal shares 0 and 2: mean 1, se = sd / sqrt(2) = 1.414 / 1.414 = 1, so 1.96 above and 1 (not 1.96) below
    m = _metrics([None] * 4, reactions=[1, 3, 5, 7], comments=[0, 0, 1, 1], shares=[0, 2, 1, 1])
    fig = eplots.by_tone(m)
    ax = fig.axes[2]  # shares: the third panel; formal is its first bar
    lows = [seg[0][1] for coll in ax.collections for seg in coll.get_segments()]
    assert min(lows) == 0.0
    shares_formal = [seg for coll in ax.collections for seg in coll.get_segments()
                     if np.isclose(seg[0][0], 0)][0]
    np.testing.assert_allclose([shares_formal[0][1], shares_formal[1][1]], [0.0, 1 + 1.96])


def test_a_histogram_of_a_few_posts_counts_whole_posts():
    m = _metrics([None] * 4, reactions=[1, 3, 5, 7], comments=[0, 0, 1, 1], shares=[0, 2, 1, 1])
    fig = eplots.distributions(m)
    for ax in fig.axes:
        ticks = ax.get_yticks()
        assert np.allclose(ticks, np.round(ticks))



def test_a_trend_of_two_months_has_a_tick_per_month_and_no_point_on_the_frame():
    m = _metrics([None] * 4, reactions=[1, 3, 5, 7], comments=[0, 0, 1, 1], shares=[0, 2, 1, 1])
    m["interactions"] = m["reactions"] + m["comments"] + m["shares"]  # 1, 5, 7, 9
    m["month"] = ["2024-03", "2024-04", "2024-03", "2024-03"]
    fig = eplots.trends(m)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-03", "2024-04"]
    lines = {line.get_label(): np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["formal"], [1.0, 5.0])
    np.testing.assert_array_equal(lines["conversational"], [8.0, np.nan])  # (7 + 9) / 2; none in April
    low, high = ax.get_ylim()
    assert low < 1.0 and high > 8.0


def test_a_model_on_too_few_posts_is_not_reported():
    posts = pd.DataFrame({"comments": [1, 2, 3, 0, pd.NA], "page_id": ["a", "a", "b", "b", "b"]})
    few = engagement.fit_or_explain(posts, formula="comments ~ 1", family="poisson")
    assert isinstance(few, engagement.NotFitted)
    assert few.caveats()["note"].tolist() == [
        f"not estimated: only 4 posts have every value the model needs; it needs at least {engagement.MIN_MODEL_POSTS}"]
    enough = engagement.fit_or_explain(posts, formula="comments ~ 1", family="poisson", min_posts=4)
    assert np.isclose(np.exp(enough.params["Intercept"]), 1.5)  # (1 + 2 + 3 + 0) / 4


def test_comments_without_authors_give_unknown_answer_rates_not_zero():
    from kommunsocial import network
    from kommunsocial.network._example import example_dataset
    from kommunsocial.network.responsiveness import AUTHOR_RATES

    ds = example_dataset()
    known = network.responsiveness(ds, min_threads=1)
    assert known.loc["P", "answer_rate"] == 0.5  # the example: the page answered one of two threads
    # the same comments as an export without authors shows them: nobody is known to be the page
    ds.comments["author_id"] = pd.array([pd.NA] * len(ds.comments), dtype="string")
    ds.comments["author_is_page"] = False
    r = network.responsiveness(ds, min_threads=1)
    assert r.loc["P", "threads"] == 2  # the threads are still counted
    assert r.loc["P", AUTHOR_RATES].isna().all()
    assert pd.isna(r.loc["P", "dialogue"])
    assert "does not say who wrote the comments" in netplots.responsiveness(r).data
    assert "does not say who wrote the comments" in netplots.time_to_answer(network.threads(ds)).data


def test_interactions_without_share_counts_are_explained_not_drawn_empty():
    m = pd.DataFrame({"page_name": ["A", "A"], "tone": ["formal", "conversational"], "reactions": [3, 5],
                      "comments": [1, 0], "shares": pd.array([pd.NA, pd.NA], dtype="Int64"),
                      "interactions": pd.array([pd.NA, pd.NA], dtype="Int64"),
                      "month": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    for fig in (eplots.by_municipality(m), eplots.trends(m)):
        assert fig.axes[0].texts[0].get_text() == ("This export has no share counts, so interactions (reactions + "
                                                   "comments + shares) cannot be summed for any post")


def test_posts_in_other_languages_are_not_said_to_have_no_text():
    m = pd.DataFrame({"page_id": ["a"] * 4, "followers": pd.array([100] * 4, dtype="Int64"),
                      "formality": [80.0, None, None, None], "lang": ["sv", "other", "fi", "und"],
                      "comments": [1, 2, 0, 3], "reactions": [1, 1, 1, 1], "shares": [0, 0, 0, 0]})
    notes = engagement.data_notes(m)
    assert "1 of 4 posts has no text and no tone" in notes
    assert ("2 of 4 posts are in a language the tone index cannot read (it reads sv, nb, nn, da, en): they have no "
            "tone and are left out of every comparison of tones.") in notes


def test_no_comment_counts_at_all_is_said_once_for_the_model():
    m = pd.DataFrame({"page_id": ["a", "b"], "comments": pd.array([pd.NA, pd.NA], dtype="Int64"),
                      "reactions": [1, 2], "shares": [0, 1]})
    notes = engagement.data_notes(m)
    assert "No post has a comment count, so the count model cannot be fitted." in notes
    assert "Only 0 posts" not in notes


def test_log_axes_are_labelled_as_readers_say_the_numbers():
    irr = pd.DataFrame({"term": ["tone: conversational", "post type: video"], "irr": [1.55, 0.9],
                        "ci_low": [1.4, 0.7], "ci_high": [1.7, 1.2]})
    labels = [x.get_text() for x in eplots.forest(irr).axes[0].get_xticklabels()]
    assert labels == ["0.7", "0.8", "1", "1.25", "1.5"]
    narrow = irr.iloc[:1].assign(irr=1.1, ci_low=1.05, ci_high=1.15)  # only 1 inside: widened to a tick each side
    assert [x.get_text() for x in eplots.forest(narrow).axes[0].get_xticklabels()] == ["0.8", "1", "1.25"]
    resp = pd.DataFrame({"page_name": [f"p{i}" for i in range(45)], "threads": [3] * 45, "answered_threads": [1] * 45,
                         "answer_rate": [1 / 3] * 45, "median_hours_to_answer": np.linspace(3.4, 4.4, 45),
                         "p90_hours_to_answer": [5.0] * 45, "dialogue": [None] * 45, "citizen_comments": [5] * 45})
    assert [x.get_text() for x in netplots.responsiveness(resp).axes[1].get_xticklabels()] == ["1 h", "6 h"]
