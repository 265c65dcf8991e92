"""The tone report's helpers on tiny posts whose answers are worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from kommunsocial.tone import summaries


def _posts(dtype):
    return pd.DataFrame({
        "post_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"],
        "formality": [90.0, 10.0, 50.0, np.nan, 70.0, 30.0, 95.0, 20.0],
        "text": pd.array(["ett två tre fyra fem", "ett två tre fyra fem sex", "ett  två\ntre fyra\u00a0fem",
                          "ett två tre fyra fem", "ett två tre fyra fem", "för kort", None, "ett två tre fyra fem"],
                         dtype=dtype),
        "page": "Sjöviks kommun"})


@pytest.mark.parametrize("dtype", [object, "string[python]", "string[pyarrow]"])
def test_words_counted_as_white_space_splits_them(dtype):
    # "ett  två\ntre fyra\u00a0fem": five words (a no-break space separates words too); None has none
    counts = summaries._n_words(_posts(dtype)["text"])
    assert counts[:6].tolist() == [5, 6, 5, 5, 5, 2]
    assert np.isnan(counts[6]) or counts[6] == 0


@pytest.mark.parametrize("dtype", [object, "string[python]", "string[pyarrow]"])
def test_examples_from_both_ends_and_the_middle_by_hand(dtype):
    # scored posts of five words or more: p8 (20), p2 (10), p3 (50), p5 (70), p1 (90); p4 has no score,
    # p6 two words, p7 no text. Sorted by formality: p2 10, p8 20, p3 50, p5 70, p1 90.
    ex = summaries.examples(_posts(dtype), n=2)
    assert ex["where"].tolist() == ["most formal"] * 2 + ["middle"] * 2 + ["most conversational"] * 2
    assert ex["formality"].tolist() == [90.0, 70.0, 20.0, 50.0, 10.0, 20.0]
    assert ex["text"].iloc[3] == "ett  två tre fyra\u00a0fem"  # line breaks shown as spaces


def test_long_texts_are_cut_and_no_posts_give_an_empty_table():
    posts = _posts(object).assign(text="ord " * 200)
    assert summaries.examples(posts, n=1, max_chars=20)["text"].str.len().max() == 20
    assert summaries.examples(posts, n=1, max_chars=20)["text"].iloc[0].endswith("…")
    assert summaries.examples(posts.iloc[:0]).empty


def test_coded_posts_are_the_coders_rows_about_these_posts():
    posts = pd.DataFrame({"post_id": pd.array(["1", "2", None], dtype="string")})
    coded = pd.DataFrame({"post_id": ["2", "3", "1"], "coder": ["a", "a", "b"]})
    assert summaries.coded_posts(coded, posts).index.tolist() == [0, 2]
    assert summaries.coded_posts(coded.iloc[:0], posts).empty
