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


def test_a_model_on_too_few_posts_is_not_reported():
    posts = pd.DataFrame({"comments": [1, 2, 3, 0, pd.NA], "page_id": ["a", "a", "b", "b", "b"]})
    few = engagement.fit_or_explain(posts, formula="comments ~ 1", family="poisson")
    assert isinstance(few, engagement.NotFitted)
    assert few.caveats()["note"].tolist() == [
        f"not estimated: only 4 posts have every value the model needs; it needs at least {engagement.MIN_MODEL_POSTS}"]
    enough = engagement.fit_or_explain(posts, formula="comments ~ 1", family="poisson", min_posts=4)
    assert np.isclose(np.exp(enough.params["Intercept"]), 1.5)  # (1 + 2 + 3 + 0) / 4
