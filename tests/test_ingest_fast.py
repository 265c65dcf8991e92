"""Ingest's text steps and the schema's casts, written for country-scale data, equal the plain
versions they replaced (kept here as the reference) on the sample and on generated edge cases."""

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunsocial import clean, schema

# characters that each step treats specially: spaces of all kinds, line breaks, invisible
# characters, combining marks (NFC), links, hashtags, mentions, e-mail, emoji, digits
_ALPHABET = list("aÅö 1#@/.:wh\n\r\t") + ["\u00a0", "\u2003", "\u200b", "\u00ad", "\ufeff", "\u0301", "A\u030a",
                                           "www.", "http://", "https://x.se/a", "#snö", "@anna", "a@b.se", "👍",
                                           "\u200d", "  ", " \n", "\n\n\n", "ＷＷＷ", "WWW.X.SE"]
_TEXTS = st.lists(st.sampled_from(_ALPHABET), max_size=25).map("".join)


# -- the plain versions ------------------------------------------------------------------------
def _plain_normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = clean._INVISIBLE.sub("", text)
    text = clean._SPACES.sub(" ", text)
    text = clean._LINE_EDGES.sub("\n", text)
    text = clean._MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def _plain_enough(texts, min_words=3, min_letters=12) -> np.ndarray:
    s = pd.Series(texts).astype("string").fillna("")
    stripped = s.str.replace(clean._STRIP_FOR_LANG, " ", regex=True)
    words = stripped.str.findall(clean._LETTERS)
    return ((words.str.len() >= min_words) & (words.map(lambda w: sum(map(len, w))) >= min_letters)).to_numpy()


def _plain_text_features(texts) -> pd.DataFrame:
    s = pd.Series(texts).astype("string").fillna("")
    no_urls = s.str.replace(clean._URL, " ", regex=True)
    tags = no_urls.str.findall(clean._HASHTAG)
    return pd.DataFrame({
        "n_urls": s.str.count(clean._URL).astype("Int64"),
        "n_hashtags": tags.str.len().astype("Int64"),
        "n_mentions": no_urls.str.count(clean._MENTION).astype("Int64"),
        "n_emoji": s.map(clean._emoji_count).astype("Int64"),
        "hashtags": tags.map(lambda t: " ".join(x.lower() for x in t)).astype("string"),
    }, index=s.index)


def _sample_texts(sample_dataset) -> list[str]:
    return pd.concat([sample_dataset.posts["text"], sample_dataset.comments["text"]]).tolist()


# -- cleaning ----------------------------------------------------------------------------------
@given(_TEXTS)
def test_normalise_text_equals_the_plain_substitutions(text):
    assert clean.normalise_text(text) == _plain_normalise(text)


def test_normalise_text_on_the_sample_raw_texts():
    from kommunsocial.io import read_file

    from .conftest import SAMPLE_RAW

    raw = read_file(SAMPLE_RAW / "comments.jsonl").comments["text"].dropna().tolist()
    assert [clean.normalise_text(t) for t in raw] == [_plain_normalise(t) for t in raw]


# -- language: which texts are long enough to detect -------------------------------------------
@given(st.lists(_TEXTS, max_size=8))
def test_enough_words_equals_counting_every_word(texts):
    s = pd.Series(texts, dtype="string")
    stripped = [clean._STRIP_FOR_LANG.sub(" ", t) for t in s.tolist()]
    fast = np.array([clean._enough_words(t, 3, 12) for t in stripped], dtype=bool)
    assert fast.tolist() == _plain_enough(s).tolist()


def _plain_detect(texts, long_text=clean.LONG_TEXT) -> list:
    s = pd.Series(texts).astype("string").fillna("")
    stripped = s.str.replace(clean._STRIP_FOR_LANG, " ", regex=True)
    out = np.full(len(s), "und", dtype=object)
    idx = np.flatnonzero(_plain_enough(s))
    unique = pd.unique(stripped.iloc[idx].to_numpy())
    long = np.array([len(t) >= long_text for t in unique], dtype=bool)
    codes = {}
    for low_accuracy, part in ((False, unique[~long]), (True, unique[long])):
        found = clean._detector(low_accuracy).detect_languages_in_parallel_of([str(t) for t in part])
        codes.update({t: (clean._LINGUA_CODES[f.name] if f is not None else "und") for t, f in zip(part, found)})
    out[idx] = [codes[t] for t in stripped.iloc[idx]]
    return out.tolist()


def test_detect_language_unchanged_on_the_sample(sample_dataset):
    texts = pd.Series(_sample_texts(sample_dataset), dtype="string")
    langs = clean.detect_language(texts)
    assert langs.tolist() == _plain_detect(texts)
    assert set(langs) >= {"sv", "nb", "nn", "und"}


# -- text features -----------------------------------------------------------------------------
@given(st.lists(_TEXTS, max_size=8))
def test_text_features_equal_the_string_methods(texts):
    pd.testing.assert_frame_equal(clean.text_features(texts), _plain_text_features(texts))


def test_text_features_on_the_sample(sample_dataset):
    texts = _sample_texts(sample_dataset)
    fast = clean.text_features(texts)
    pd.testing.assert_frame_equal(fast, _plain_text_features(texts))
    assert fast["n_hashtags"].sum() > 0 and fast["n_emoji"].sum() > 0


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


# -- pseudonymising: which comments the page wrote ---------------------------------------------
def _plain_page_author_mask(author_key, author_name, page_id, page_name, page_handle) -> pd.Series:
    def norm(s):
        return s.astype("string").str.strip().str.casefold()

    same_id = (norm(author_key) == norm(page_id)).fillna(False)
    same_name = (norm(author_name) == norm(page_name)).fillna(False)
    same_handle = (norm(author_name) == norm(page_handle)).fillna(False)
    return (same_id | same_name | same_handle).astype(bool)


_NAMES = st.one_of(st.none(), st.sampled_from(["Sjövik", " sjövik ", "SJÖVIK", "Anna", "anna ", "", " ", "123",
                                               "ß", "ss", "Straße", "STRASSE"]))


@given(st.lists(st.tuples(_NAMES, _NAMES, _NAMES, _NAMES, _NAMES), max_size=12))
def test_page_author_mask_equals_comparing_normalised_strings(rows):
    from kommunsocial import privacy

    cols = [pd.Series([r[i] for r in rows], dtype="string") for i in range(5)]
    fast = privacy.page_author_mask(*cols)
    assert fast.dtype == bool
    assert fast.tolist() == _plain_page_author_mask(*cols).tolist()


# -- the tone cache's key ----------------------------------------------------------------------
def test_tone_cache_key_tells_apart_texts_split_differently_and_other_languages(tmp_path):
    from kommunsocial.tone import add_tone

    def entries():
        return {p.name for p in tmp_path.glob("tone-index-*.parquet")}

    base = pd.DataFrame({"text": ["Hej alla\x1evälkomna", "Tack"], "lang": ["sv", "sv"]})
    add_tone(base, cache=tmp_path)
    seen = entries()
    for other in (pd.DataFrame({"text": ["Hej alla", "välkomna\x1eTack"], "lang": ["sv", "sv"]}),
                  base.assign(lang=["sv", "nb"])):
        add_tone(other, cache=tmp_path)
        assert len(entries() - seen) == 1  # a cache entry of its own, not the scores of ``base``
        seen = entries()
    add_tone(base.copy(), cache=tmp_path)
    assert entries() == seen  # the same texts and languages again: read back
