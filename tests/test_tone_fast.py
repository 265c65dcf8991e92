"""The fast formality features equal the straightforward implementation they replaced, bit for bit.

``features()`` reads each distinct text once, splits words per white-space chunk (in Arrow), sums
per-word flags where no phrase can start and matches phrases only where one can, and counts
sentences and emoji with cheaper but equivalent regexes. The reference below is a frozen copy of
the plain implementation (one ``findall`` per text and rule, every text matched against the phrase
tries); both share the compiled rules (lexicons, markers, per-word flags) of ``features._language``.
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

# ---------------------------------------------------------------------------------------------
# frozen reference: the implementation before the fast paths
# ---------------------------------------------------------------------------------------------

_REF_SENTENCE_BREAK = re.compile(r"[.!?…]+(?=\s+[\"“”«(]?[^\W\d_a-zäöåæøéüß])|:(?=\s+[^\W\d_a-zäöåæøéüß])|\n+")
_REF_MAYBE_LINK = re.compile(r"[@#]|www\.|https?:")


def _ref_text_passive(L, low):
    rx = {"nn": F._NN_PASSIVE, "en": F._EN_PASSIVE}.get(L.lang)
    if rx is None:
        return np.zeros(len(low))
    return np.fromiter((len(rx.findall(t)) for t in low), dtype=float, count=len(low))


def _ref_one_language(texts: pd.Series, lang: str) -> pd.DataFrame:
    L = F._language(lang)
    n = len(texts)
    raw = [t.replace("’", "'").strip() for t in texts.tolist()]
    low = [t.lower() for t in raw]
    maybe_link, url, hash_mention = _REF_MAYBE_LINK.search, F._URL.sub, F._HASH_MENTION.sub
    low = [hash_mention(" ", url(" ", t)) if maybe_link(t) else t for t in low]
    find_words = F._WORD.findall
    tokens = [find_words(t) for t in low]
    n_words = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(tokens))
    text_of = np.repeat(np.arange(n), n_words)
    long = nominal = passive = np.zeros(n)
    types = n_words.astype(float)
    lemma_texts = [" "] * n
    if flat:
        codes, uniques = pd.factorize(np.array(flat, dtype=object), sort=False)
        info = [L.token_info(u) for u in uniques]
        lemmas = np.array([i[0] for i in info], dtype=object)
        flags = np.array([i[1:] for i in info], dtype=float)
        per_token = flags[codes]
        long = np.bincount(text_of, weights=per_token[:, 0], minlength=n)
        nominal = np.bincount(text_of, weights=per_token[:, 1], minlength=n)
        passive = np.bincount(text_of, weights=per_token[:, 2], minlength=n)
        ends = np.cumsum(n_words)
        starts = ends - n_words
        for i in np.flatnonzero(n_words >= F.OVIX_MIN_WORDS):
            types[i] = len(np.unique(codes[starts[i]:ends[i]]))
        lem_flat = lemmas[codes].tolist()
        lemma_texts = [" " + " ".join(lem_flat[a:b]) + " " for a, b in zip(starts.tolist(), ends.tolist())]
    passive = passive + _ref_text_passive(L, low)
    find_terms = L.lexicon_rx.findall
    officialese = np.fromiter((len(find_terms(t)) for t in lemma_texts), dtype=float, count=n)
    kinds = {k: np.zeros(n) for k in ("address", "we", "greeting", "signoff", "interjection", "colloquial")}
    kind_of, weight_of, find_markers = L.marker_kind, L.marker_weight, L.marker_rx.findall
    for i, toks in enumerate(tokens):
        if toks:
            for h in find_markers(" " + " ".join(toks) + " "):
                kinds[kind_of[h]][i] += weight_of[h]
    count_breaks = _REF_SENTENCE_BREAK.findall
    sentences = np.fromiter((len(count_breaks(t)) + 1 for t in raw), dtype=float, count=n)
    sentences = np.where(n_words > 0, sentences, 0)
    runs = [F._PUNCT_RUN.sub(r"\1", t) if ("??" in t or "!!" in t) else t for t in raw]
    questions = np.fromiter((t.count("?") for t in runs), dtype=np.int64, count=n)
    exclamations = np.fromiter((t.count("!") for t in runs), dtype=np.int64, count=n)
    maybe_emoji, find_emoji = F._MAYBE_EMOJI.search, F._emoji_regex().findall
    n_emoji = np.fromiter((len(find_emoji(t)) if maybe_emoji(t) else 0 for t in raw), dtype=np.int64, count=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        per100 = np.where(n_words > 0, 100.0 / n_words, np.nan)
        lix = np.where(n_words > 0, n_words / np.maximum(sentences, 1) + 100.0 * long / n_words, np.nan)
        ln = np.log(n_words.astype(float))
        ovix = np.where((n_words >= F.OVIX_MIN_WORDS) & (types < n_words),
                        ln / np.log(2 - np.log(types) / ln), np.nan)
    return pd.DataFrame({
        "n_words": n_words,
        "n_sentences": sentences.astype(np.int64),
        "officialese": officialese * per100,
        "nominal": nominal * per100,
        "s_passive": passive * per100,
        "long_words": long * per100,
        "lix": lix,
        "ovix": ovix,
        "address": kinds["address"] * per100,
        "we": kinds["we"] * per100,
        "questions": questions,
        "exclamations": exclamations,
        "emoji": n_emoji,
        "greetings": kinds["greeting"],
        "signoffs": kinds["signoff"],
        "interjections": kinds["interjection"],
        "colloquial": kinds["colloquial"],
        "_officialese_n": officialese,
        "_nominal_n": nominal,
        "_s_passive_n": passive,
        "_address_n": kinds["address"],
        "_we_n": kinds["we"],
    }, index=texts.index)


def reference_features(texts, *, lang) -> pd.DataFrame:
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    s = s.astype("string").fillna("").astype(object)
    langs = pd.Series(lang, index=s.index, dtype=object) if isinstance(lang, str) or lang is None \
        else pd.Series(list(lang), index=s.index, dtype=object)
    parts = []
    for code in pd.unique(langs):
        mask = (langs == code).to_numpy()
        parts.append(_ref_one_language(s[mask], code))
    if not parts:
        return _ref_one_language(s, "sv").iloc[:0]
    return pd.concat(parts).reindex(s.index) if len(parts) > 1 else parts[0]


def assert_same(texts, lang):
    expected = reference_features(texts, lang=lang)
    got = F.features(texts, lang=lang)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    return got


# ---------------------------------------------------------------------------------------------
# texts
# ---------------------------------------------------------------------------------------------

TRICKY = {
    "sv": [
        "Hej hej och hej på er", "hej hej hej", "Hej, hej!", "HEJ HEJ", "hej-hej", "Hej hej’ du",
        "I enlighet med beslutet erhöll vederbörande stöd", "i enlighet", "i enlighet med",
        "i i enlighet med med", "Med anledning av detta, i avvaktan på beslut.", "i dagsläget i dagsläge",
        "Mötet äger rum i morgon; ägde rum igår; äga rum.", "Till dess att vi ses", "för det fall att",
        "Vad avser ansökan? Vad beträffar den", "Böcker samt tidningar, ej lån", "Samtal om skolan, hej hej",
        "Ansökan meddelas och sökande ombeds vänta", "Det finns plats i kommunens lokaler, vi ses",
        "Ha det bra! Ha en trevlig helg. God morgon allihop, god jul och gott nytt år",
        "Tack tack! Tusen tack 🙏 Tack för idag", "Vad gör dom nu", "Asså vad kul", "Vi ses!! Oj oj??!",
        "Läs mer: https://kommun.se/x och www.kommun.se #kommun @kommunen mejla info@kommun.se",
        "Läs mer på https://kommun.se/hej-hej", "#hejhej @hej hej", "Bra jobbat 👍🏽 👩‍👩‍👧 🇸🇪 alla",
        "1️⃣ 2⃣ #️⃣ *⃣ keycaps", "hej\u200dhej", "Frågor?? Svar! ?!?! …", "Slut… Nästa. Mening: Ny",
        "Rad ett\nrad två\n\n\nrad tre", "", " ", "\n", "?!", "123 456", "e-tjänst e- -tjänst e--tjänst",
        "barn-och-utbildningsförvaltningen", "kommunens’ ‘citat’", "o'neill o’neill", "'hej' -hej-",
        "ÄGER RUM", "Σίσυφος ΟΔΥΣΣΕΥΣ", "İstanbul", "ﬁnns ﬂera", "x\u00a0y\u2003z\u3000w", "a\x1cb\x1dc\x85d",
        "Hej\u200b hej", "ǅemal", "Ⅻ ½ ² ①", "tab\there", "hej\r\nhej",
    ],
    "nb": [
        "Hei hei! Ha en fin dag", "Søknaden sendes inn og spørsmål rettes til oss", "Det finnes plass",
        "I henhold til vedtaket, i forbindelse med saken", "på bakgrunn av det faktum at", "på bakgrunn av",
        "Det vises til brev. Det anmodes om svar.", "inntil videre", "Takk takk, tusen takk!",
        "God morgen 😊 Ha det bra", "Med hensyn til kommunens’ vedtak", "iht. jf. mvh",
    ],
    "nn": [
        "Søknaden skal sendast inn og vert handsama", "Det kan ikkje nyttast", "skal  \n sendast",
        "vart vert verte vorte", "Det vert vist til brevet", "Kva gjeld søknaden, i samsvar med reglane",
        "ta til vitande", "Hei hei! Me ses", "kan fastast", "fast kast plast", "vil heller sendast-ast",
    ],
    "da": [
        "Ansøgningen behandles og indkaldes", "I henhold til loven finder mødet sted",
        "Hej hej! Tak for i dag", "Med henblik på", "for så vidt angår", "Glædelig jul og godt nytår",
    ],
    "en": [
        "Applications are required and will be reviewed", "Hello hello! Thank you so much", "Hi there, cheers",
        "It is not made here", "We were kindly asked", "In accordance with the policy, prior to",
    ],
}


@pytest.mark.parametrize("lang", resources.LANGS)
def test_tricky_texts_in_every_language(lang):
    texts = list(chain.from_iterable(TRICKY.values()))
    assert_same(texts, lang)
    assert_same(pd.Series(texts[::-1], index=range(100, 100 + len(texts))), lang)


def test_missing_empty_and_mixed_languages():
    s = pd.Series(["Hej hej", None, "", "Hei hei", np.nan, "Hej hej", pd.NA, "Kva gjeld det"], dtype=object)
    assert_same(s, ["sv", "sv", "nb", "nb", "sv", "da", "nn", "nn"])
    assert_same([], "sv")
    assert_same(["", ""], "sv")
    assert_same(pd.Series(["a", "b"], index=["x", "y"]), "en")


def test_devset_in_its_own_and_every_other_language():
    dev = resources.devset()
    assert_same(dev["text"], dev["lang"].to_numpy())
    for lang in resources.LANGS:
        assert_same(dev["text"], lang)


def _sample_texts(sample_dataset):
    posts = sample_dataset.posts[["text", "lang"]]
    comments = sample_dataset.comments[["text", "lang"]]
    return posts, comments


def test_the_bundled_sample(sample_dataset):
    for frame in _sample_texts(sample_dataset):
        ok = frame["lang"].astype(object).isin(resources.LANGS).to_numpy()
        assert ok.sum() > 100
        got = assert_same(frame["text"][ok], frame["lang"][ok].astype(str).to_numpy())
        assert got["_officialese_n"].sum() > 0 and got["greetings"].sum() > 0 and got["emoji"].sum() > 0


@pytest.mark.parametrize("lang", ["sv", "nb", "nn"])
def test_the_bundled_sample_posts_in_small_blocks(sample_dataset, monkeypatch, lang):
    # several blocks of distinct texts, with duplicates across them
    monkeypatch.setattr(F, "_BLOCK", 37)
    texts = sample_dataset.posts["text"]
    assert_same(pd.concat([texts, texts.iloc[::3]], ignore_index=True), lang)


def test_python_chunks_when_arrow_cannot_take_the_texts(sample_dataset):
    # a lone surrogate is not UTF-8: Arrow refuses the block, which is then split in Python
    texts = list(chain.from_iterable(TRICKY.values())) + sample_dataset.posts["text"].tolist()[:300] + ["a\ud800 b"]
    s = pd.Series(texts, dtype=object)
    with pytest.raises(UnicodeError):
        pa.array(texts, type=pa.large_string())
    for lang in resources.LANGS:
        pd.testing.assert_frame_equal(F._features_one_language(s, lang), _ref_one_language(s, lang),
                                      check_exact=True)


# ---------------------------------------------------------------------------------------------
# generated texts
# ---------------------------------------------------------------------------------------------

def _vocabulary():
    words = set()
    for lang in resources.LANGS:
        for t in chain(resources.lexicon(lang)["term"], resources.markers(lang)["term"]):
            words.add(t)
            words.update(t.split())
    words.update("erhöll ägde äger dagsläget meddelas ombeds finns sendes rettes sendast nyttast vert vart "
                 "skal kan ikkje behandles kommunen kommunens skolan ansökan".split())
    words = sorted(words)
    return words + [w.capitalize() for w in words[::3]] + [w.upper() for w in words[::7]]


_WORDS = _vocabulary()
_PIECES = list("aåöø Ä-'’.,!?…:;\"“«(\n\t#@1_") + [
    " ", "  ", ". ", "! ", "?? ", "!!", "\n\n", " - ", "www.", "https://x.se/a", "a@b.se", "#tag", "@user",
    "\u200d", "\ufe0f", "\u20e3", "\U0001f3fd", "👩", "👧", "❤", "👍", "🇸", "🇪", "🏴", "\U000e0067",
    "\U000e007f", "©", "😀", "™", "\u00a0", "\u3000", "\x1c", "\u200b", "Σ", "İ", "½",
]
_TEXTS = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_PIECES)), max_size=40).map(
    lambda parts: "".join(p if p in _PIECES else f" {p} " if i % 3 else p for i, p in enumerate(parts)))


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=12), st.sampled_from(resources.LANGS))
def test_generated_texts(texts, lang):
    assert_same(texts, lang)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=60).map(" ".join), st.sampled_from(resources.LANGS))
def test_generated_runs_of_lexicon_words(text, lang):
    # phrases next to, inside and overlapping each other; long enough texts for OVIX
    assert_same([text, text + " " + text, text.upper()], lang)


# ---------------------------------------------------------------------------------------------
# the facts the fast paths rest on
# ---------------------------------------------------------------------------------------------

def _all_characters():
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def test_white_space_is_never_part_of_a_word():
    word_char = re.compile(r"[^\W\d_]|['\-]")
    chars = _all_characters()
    # what Python's split and Arrow's split cut at
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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["A", "Ny", "x", "1", "9"]), max_size=30).map("".join))
def test_sentence_breaks_emoji_and_links_as_before(text):
    assert F._SENTENCE_BREAK.findall(text) == _REF_SENTENCE_BREAK.findall(text)
    assert F._count_emoji([text]).tolist() == \
        [len(F._emoji_regex().findall(text)) if F._MAYBE_EMOJI.search(text) else 0]
    if "@" not in text:
        assert F._URL_NO_AT.sub(" ", text) == F._URL.sub(" ", text)
    low = text.lower()
    expected = len(F._NN_PASSIVE.findall(low))
    if expected:  # a text with a passive phrase always has a candidate chunk
        assert any(F._NN_PASSIVE_CHUNK.search(c) for c in pc.utf8_split_whitespace(
            pa.array([low], type=pa.large_string())).to_pylist()[0])
        assert any(F._NN_PASSIVE_CHUNK.search(c) for c in low.split())
