"""The per-text store of formality scores (kommunsocial.tone._cache): what is computed, what is read back."""

import numpy as np
import pandas as pd

from kommunsocial.tone import _cache, add_tone
from kommunsocial.tone import tagging


class Counter:
    """A stand-in for the index: a text's score is its length; every text it is asked for is recorded."""

    def __init__(self):
        self.asked = []

    def __call__(self, texts, langs):
        self.asked.append((list(texts), None if langs is None else list(langs)))
        return np.array([float(len(t)) for t in texts])


def scores(texts, langs, folder, compute, fingerprint="f" * 64):
    return _cache.cached_scores(pd.Series(texts, dtype="string"), langs, folder, fingerprint, compute).tolist()


def test_each_text_is_computed_once_and_read_back_after(tmp_path):
    compute = Counter()
    assert scores(["a", "bb", "a"], ["sv", "sv", "sv"], tmp_path, compute) == [1.0, 2.0, 1.0]
    assert compute.asked == [(["a", "bb"], ["sv", "sv"])]  # "a" twice: scored once
    assert scores(["bb", "ccc", "a"], ["sv", "sv", "sv"], tmp_path, compute) == [2.0, 3.0, 1.0]
    assert compute.asked[1] == (["ccc"], ["sv"])  # only the text the store lacked
    assert scores(["ccc", "a"], ["sv", "sv"], tmp_path, compute) == [3.0, 1.0]
    assert len(compute.asked) == 2  # nothing new: nothing computed


def test_the_language_is_part_of_the_key(tmp_path):
    compute = Counter()
    scores(["hej"], ["sv"], tmp_path, compute)
    scores(["hej", "hej"], ["nb", "sv"], tmp_path, compute)
    assert compute.asked[1] == (["hej"], ["nb"])
    scores(["hej"], None, tmp_path, compute)  # no language given: a key of its own
    assert compute.asked[2] == (["hej"], None)


def test_a_new_fingerprint_starts_empty_and_removes_the_old_store(tmp_path):
    compute = Counter()
    scores(["a"], ["sv"], tmp_path, compute, fingerprint="1" * 64)
    (tmp_path / "tone-index-0123456789abcdef0123456789abcdef.parquet").write_bytes(b"an earlier version's file")
    scores(["a"], ["sv"], tmp_path, compute, fingerprint="2" * 64)
    assert len(compute.asked) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tone-index-" + "2" * 16]


def test_parts_beyond_the_limit_are_merged_without_losing_a_score(tmp_path):
    compute = Counter()
    words = [f"w{'x' * i}" for i in range(_cache.MAX_PARTS + 1)]
    for word in words:  # one part per call
        scores([word], ["sv"], tmp_path, compute)
    store = tmp_path / ("tone-index-" + "f" * 16)
    assert len(list(store.glob("part-*.parquet"))) == 1
    assert scores(words, ["sv"] * len(words), tmp_path, compute) == [float(len(w)) for w in words]
    assert len(compute.asked) == len(words)  # the merged part holds every score


def test_a_municipality_then_the_country_scores_each_post_once(sample_dataset, tmp_path, monkeypatch):
    posts = sample_dataset.posts.groupby("page_id", observed=True).head(60)  # 60 posts of each page
    fresh = add_tone(posts)
    scored = []
    real = tagging.score

    def counting(texts, **kw):
        scored.append(len(texts))
        return real(texts, **kw)

    monkeypatch.setattr(tagging, "score", counting)
    one = posts[posts["page_id"] == posts["page_id"].iloc[0]]
    part = add_tone(one, cache=tmp_path)
    whole = add_tone(posts, cache=tmp_path)
    distinct = lambda frame: len(set(zip(frame["lang"].astype(str), frame["text"])))  # noqa: E731
    assert scored == [distinct(one), distinct(posts) - distinct(one)]
    assert 0 < scored[0] < scored[1]
    pd.testing.assert_frame_equal(whole, fresh)
    pd.testing.assert_frame_equal(part, fresh.loc[one.index])
    add_tone(posts.sample(frac=1, random_state=0), cache=tmp_path)  # any order, read back
    assert len(scored) == 2
