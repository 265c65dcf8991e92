"""The schema's casts skip columns already of the model's dtype; the tone cache keys texts exactly."""

import re

import pandas as pd
import pytest

from kommunsocial import schema


# -- schema: a column already of the model's dtype is not cast again ---------------------------
@pytest.mark.parametrize("table", ["posts", "comments", "pages"])
def test_conform_of_a_conformed_table_changes_nothing(sample_dataset, table):
    frame = getattr(sample_dataset, table)
    again = schema.conform(table, frame)
    pd.testing.assert_frame_equal(again, frame)
    model = [c for c in frame.columns if c in schema.TABLES[table]]  # extra columns pass through as they are
    plain = schema.conform(table, frame.astype({c: object for c in model
                                                if isinstance(frame[c].dtype, (pd.StringDtype, pd.CategoricalDtype))}))
    pd.testing.assert_frame_equal(again, plain)


def test_category_fast_path_only_for_exactly_the_categories_a_cast_gives():
    col = schema.TABLES["posts"]["post_type"]
    fixed = list(col.categories)
    exact = pd.Series(pd.Categorical(["photo", None], categories=fixed))
    assert schema._cast(exact, col) is exact
    reordered = pd.Series(pd.Categorical(["photo"], categories=list(reversed(fixed))))
    assert list(schema._cast(reordered, col).cat.categories) == fixed
    ordered = pd.Series(pd.Categorical(["photo"], categories=fixed, ordered=True))
    assert not schema._cast(ordered, col).cat.ordered
    open_col = next(c for t in schema.TABLES.values() for c in t.values() if c.kind == "category" and c.categories is None)
    unused = pd.Series(pd.Categorical(["b", "a"], categories=["a", "b", "c"]))
    assert list(schema._cast(unused, open_col).cat.categories) == ["a", "b"]  # unused categories dropped
    assert re.fullmatch(r"\w+", open_col.name)


# -- the tone cache's key ----------------------------------------------------------------------
def test_tone_cache_key_tells_apart_texts_split_differently_and_other_languages(tmp_path):
    from kommunsocial.tone import _cache, add_tone

    def entries():  # the (lang, text) keys the cache holds
        stores = list(tmp_path.glob("tone-index-*"))
        known = _cache._read(stores[0]) if stores else pd.DataFrame({"k1": [], "k2": []})
        return set(zip(known["k1"].tolist(), known["k2"].tolist()))

    base = pd.DataFrame({"text": ["Hej alla\x1evälkomna", "Tack"], "lang": ["sv", "sv"]})
    add_tone(base, cache=tmp_path)
    seen = entries()
    assert len(seen) == 2
    for other, new in ((pd.DataFrame({"text": ["Hej alla", "välkomna\x1eTack"], "lang": ["sv", "sv"]}), 2),
                       (base.assign(lang=["sv", "nb"]), 1)):
        add_tone(other, cache=tmp_path)
        assert len(entries() - seen) == new  # entries of their own, not the scores of ``base``
        seen = entries()
    add_tone(base.copy(), cache=tmp_path)
    assert entries() == seen  # the same texts and languages again: read back
