"""Properties of the formality features at any batch size, with counts known by construction.

``features()`` reads each distinct text once, splits words per white-space chunk (in Arrow, or in
Python when Arrow refuses a block), sums per-word flags where no phrase can start and matches
phrases only where one can. Whatever path a text takes, its features are those it has alone; and a
text built from known lexicon terms between neutral words has exactly the terms put into it.
"""

import re
from itertools import chain

import emoji
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunsocial.tone import features as F
from kommunsocial.tone import resources


def alone(texts, lang) -> pd.DataFrame:
    """Each text's features computed by itself: the oracle for every batched path."""
    langs = [lang] * len(texts) if isinstance(lang, str) else list(lang)
    return pd.concat([F.features([t], lang=lg) for t, lg in zip(texts, langs)], ignore_index=True)


def assert_batch_free(texts, lang):
    got = F.features(list(texts), lang=lang).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone(list(texts), lang), check_exact=True, check_names=False)
    return got


# -- texts -------------------------------------------------------------------------------------
TRICKY = [
    "Hej hej och hej på er", "hej hej hej", "Hej, hej!", "HEJ HEJ", "hej-hej", "Hej hej’ du",
    "I enlighet med beslutet erhöll vederbörande stöd", "i enlighet", "i i enlighet med med",
    "Med anledning av detta, i avvaktan på beslut.", "Mötet äger rum i morgon; ägde rum igår; äga rum.",
    "Vad avser ansökan? Vad beträffar den", "Ansökan meddelas och sökande ombeds vänta",
    "Ha det bra! Ha en trevlig helg. God morgon allihop", "Tack tack! Tusen tack 🙏", "Vi ses!! Oj oj??!",
    "Läs mer: https://kommun.se/x och www.kommun.se #kommun @kommunen mejla info@kommun.se",
    "Bra jobbat 👍🏽 👩‍👩‍👧 🇸🇪 alla", "1️⃣ 2⃣ #️⃣ *⃣ keycaps", "Frågor?? Svar! ?!?! …", "Slut… Nästa. Mening: Ny",
    "Rad ett\nrad två\n\n\nrad tre", "", " ", "\n", "?!", "123 456", "e-tjänst e- -tjänst e--tjänst",
    "Σίσυφος ΟΔΥΣΣΕΥΣ", "İstanbul", "ﬁnns ﬂera", "x\u00a0y\u2003z\u3000w", "a\x1cb\x1dc\x85d", "Hej\u200b hej",
    "Søknaden sendes inn og spørsmål rettes til oss", "I henhold til vedtaket, i forbindelse med saken",
    "Søknaden skal sendast inn og vert handsama", "Kva gjeld søknaden, i samsvar med reglane",
    "Ansøgningen behandles og indkaldes", "I henhold til loven finder mødet sted",
    "Applications are required and will be reviewed", "In accordance with the policy, prior to",
]


@pytest.mark.parametrize("lang", resources.LANGS)
def test_tricky_texts_score_as_they_do_alone(lang):
    assert_batch_free(TRICKY, lang)
    assert_batch_free(TRICKY[::-1] + TRICKY[::3], lang)


def test_missing_empty_mixed_languages_and_the_index_kept():
    s = pd.Series(["Hej hej", None, "", "Hei hei", np.nan, "Hej hej", pd.NA, "Kva gjeld det"], dtype=object,
                  index=list("abcdefgh"))
    got = F.features(s, lang=["sv", "sv", "nb", "nb", "sv", "da", "nn", "nn"])
    assert got.index.tolist() == list("abcdefgh")
    assert (got.loc[["b", "c", "e", "g"], "n_words"] == 0).all()
    assert got.loc["a"].equals(got.loc["f"]) is False  # same text, other language: its own lexicons
    assert got.loc["a", "greetings"] == 1 and got.loc["d", "greetings"] == 1
    assert len(F.features([], lang="sv")) == 0


def test_devset_batched_equals_alone():
    dev = resources.devset()
    some = dev.groupby("lang").head(15)
    assert_batch_free(some["text"].tolist(), some["lang"].tolist())


@pytest.mark.parametrize("lang", ["sv", "nb", "nn"])
def test_small_blocks_with_duplicates_across_them(sample_dataset, monkeypatch, lang):
    texts = sample_dataset.posts["text"].iloc[:120]
    whole = F.features(pd.concat([texts, texts.iloc[::3]], ignore_index=True), lang=lang)
    monkeypatch.setattr(F, "_BLOCK", 37)
    blocks = F.features(pd.concat([texts, texts.iloc[::3]], ignore_index=True), lang=lang)
    pd.testing.assert_frame_equal(blocks, whole, check_exact=True)


def test_python_chunks_when_arrow_cannot_take_the_texts(sample_dataset):
    # a lone surrogate is not UTF-8: Arrow refuses the block, which is then split in Python
    texts = TRICKY + sample_dataset.posts["text"].tolist()[:60]
    with pytest.raises(UnicodeError):
        pa.array(texts + ["a\ud800 b"], type=pa.large_string())
    for lang in resources.LANGS:
        with_bad = F._features_one_language(pd.Series(texts + ["a\ud800 b"], dtype=object), lang)
        clean = F._features_one_language(pd.Series(texts, dtype=object), lang)
        pd.testing.assert_frame_equal(with_bad.iloc[:-1], clean, check_exact=True)
        assert with_bad.iloc[-1]["n_words"] == 2


# -- generated texts ---------------------------------------------------------------------------
def _vocabulary():
    words = set()
    for lang in resources.LANGS:
        for t in chain(resources.lexicon(lang)["term"], resources.markers(lang)["term"]):
            words.add(t)
            words.update(t.split())
    words = sorted(words)
    return words + [w.capitalize() for w in words[::3]] + [w.upper() for w in words[::7]]


_WORDS = _vocabulary()
_PIECES = list("aåöø Ä-'’.,!?…:;\"“«(\n\t#@1_") + [
    " ", "  ", ". ", "! ", "?? ", "!!", "\n\n", " - ", "www.", "https://x.se/a", "a@b.se", "#tag", "@user",
    "\u200d", "\ufe0f", "\u20e3", "\U0001f3fd", "👩", "👧", "❤", "👍", "🇸", "🇪", "🏴", "©", "😀", "\u00a0", "Σ",
]
_TEXTS = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_PIECES)), max_size=30).map(
    lambda parts: "".join(p if p in _PIECES else f" {p} " if i % 3 else p for i, p in enumerate(parts)))


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=6), st.sampled_from(resources.LANGS))
def test_generated_texts_score_as_they_do_alone(texts, lang):
    assert_batch_free(texts, lang)


def _single_word_terms(lang, kind=None):
    """Lexicon (or marker) terms of one word that are not part of any longer term or marker."""
    lex = resources.lexicon(lang)["term"].tolist()
    mark = resources.markers(lang)
    every = lex + mark["term"].tolist()
    inside = {w for t in every if " " in t for w in t.split()}
    pool = lex if kind is None else mark.loc[(mark["kind"] == kind) & (mark["weight"] == 1.0), "term"].tolist()
    return sorted(t for t in pool if " " not in t and "-" not in t and t not in inside and len(t) > 2)


_FILLER = {"sv": "bord", "nb": "bord", "nn": "bord", "da": "bord", "en": "table"}


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(resources.LANGS))
def test_officialese_terms_counted_exactly_as_many_as_put_in(data, lang):
    terms = _single_word_terms(lang)
    chosen = data.draw(st.lists(st.sampled_from(terms), min_size=1, max_size=8))
    text = f" {_FILLER[lang]} ".join(chosen)
    f = F.features([text], lang=lang).iloc[0]
    assert f["_officialese_n"] == len(chosen)
    assert f["n_words"] == 2 * len(chosen) - 1


@pytest.mark.parametrize("lang", resources.LANGS)
@pytest.mark.parametrize("kind,column", [("address", "_address_n"), ("we", "_we_n")])
def test_markers_counted_exactly_as_many_as_put_in(lang, kind, column):
    terms = _single_word_terms(lang, kind)
    if not terms:
        pytest.skip(f"no single-word {kind} markers in {lang}")
    text = f" {_FILLER[lang]} ".join(terms + terms[:2])
    assert F.features([text], lang=lang).iloc[0][column] == len(terms) + min(2, len(terms))


# -- the facts the fast paths rest on ----------------------------------------------------------
def _all_characters():
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_white_space_is_never_part_of_a_word():
    word_char = re.compile(r"[^\W\d_]|['\-]")
    chars = _all_characters()
    split_by_python = [c for c in chars if len(f"a{c}b".split()) > 1]
    pieces = pc.utf8_split_whitespace(pa.array([f"a{c}b" for c in chars], type=pa.large_string()))
    split_by_arrow = [c for c, k in zip(chars, pc.list_value_length(pieces).to_pylist()) if k > 1]
    assert split_by_python and split_by_arrow
    assert not [c for c in split_by_python + split_by_arrow if word_char.match(c)]


def test_a_chunk_of_letters_is_one_word():
    letters = [c for c in _all_characters() if c.isalpha()]
    assert all(F._WORD.fullmatch(c) for c in letters)
    assert F._WORD.findall("åäöxyzΣ") == ["åäöxyzΣ"]


def test_emoji_runs_hold_every_emoji_without_a_keycap():
    run = re.compile(F._emoji_run_regex().pattern.split("]")[0] + "]")
    parts = {c for e in emoji.EMOJI_DATA for c in e if "\u20e3" not in e and ord(e[0]) > 0x7F}
    parts |= {chr(c) for c in range(0x1F1E6, 0x1F200)}  # regional indicators (flags)
    parts |= {"\ufe0f", "\u200d"} | {chr(c) for c in chain(range(0x1F3FB, 0x1F400), range(0xE0020, 0xE0080))}
    assert not [p for p in parts if not run.fullmatch(p)]


@pytest.mark.parametrize("text,sentences", [
    ("Hej. Hej", 2), ("Hej.Hej", 1), ("Hej... Nästa", 2), ("Hej! ?! Nu", 2), ("Se 3. maj", 1),
    ("Läs: Ny regel", 2), ("Läs: ny regel", 1), ("Rad\nrad\n\nrad", 3), ("Slut… Nästa. Mening: Ny", 4),
    ("Hon sa. «Kom", 2), ("", 0),
])
def test_sentence_breaks_by_hand(text, sentences):
    assert F.features([text], lang="sv").iloc[0]["n_sentences"] == sentences


@pytest.mark.parametrize("text,n", [
    ("👍🏽", 1), ("👩‍👩‍👧", 1), ("🇸🇪🇳🇴", 2), ("© ™", 2), ("a:) b", 0), ("❤️❤️", 2), ("", 0),
])
def test_emoji_by_hand(text, n):
    assert F._count_emoji([text]).tolist() == [n]
    assert F._count_emoji([text]).tolist() == [emoji.emoji_count(text)]
