"""Interpretable formality features of short texts, computed per language and vectorised.

>>> f = features(["Vederbörande anmodas att inkomma med ansökan.", "Hej! Vi ses på lördag 😊"], lang="sv")
>>> f[["officialese", "s_passive", "greetings", "signoffs", "emoji"]].round(1).to_dict("list")
{'officialese': [50.0, 0.0], 's_passive': [16.7, 0.0], 'greetings': [0.0, 1.0], 'signoffs': [0.0, 1.0], 'emoji': [0, 1]}
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

import emoji as _emoji
import numpy as np
import pandas as pd

from . import resources

__all__ = ["features", "FEATURES", "OVIX_MIN_WORDS", "LONG_WORD", "NOMINAL_SUFFIXES", "S_PASSIVE_RULES"]

#: A word longer than this many letters is "long" (Björnsson's LIX).
LONG_WORD = 6
#: OVIX (word variation) is reported only for texts of at least this many words; shorter texts
#: have nearly every word once, and the measure is then undefined or meaningless (NA, never invented).
OVIX_MIN_WORDS = 50

#: The feature columns, in order, with what each one measures.
FEATURES = {
    "n_words": "words (runs of letters, with inner apostrophes or hyphens)",
    "n_sentences": "sentences: 1 + breaks (. ! ? … or a colon before a capital letter, line breaks)",
    "officialese": "officialese terms (lexicon, matched on lemmas, phrases included) per 100 words",
    "nominal": "nominalisations (-ning, -het, -else, -tion, -skap … per language) per 100 words",
    "s_passive": "passive forms (s-passive; periphrastic in Nynorsk and English) per 100 words",
    "long_words": "share of words longer than 6 letters (%)",
    "lix": "LIX readability: words per sentence + 100 × long words / words (Björnsson 1968)",
    "ovix": f"OVIX word variation (Hultman & Westman 1977); NA below {OVIX_MIN_WORDS} words",
    "address": "second-person address (du, dig, ni, dere, you …) per 100 words",
    "we": "first person plural (vi, oss, me, we …) per 100 words",
    "questions": "questions (runs of ?)",
    "exclamations": "exclamations (runs of !)",
    "emoji": "emoji (a skin-toned or ZWJ emoji counts once)",
    "greetings": "greetings (hej, hei, god morgon, hello …); ambiguous markers count ½",
    "signoffs": "sign-offs and thanks (kram, ha det bra, mvh, cheers …); ambiguous markers count ½",
    "interjections": "interjections (oj, wow, jippi, heja …); ambiguous markers count ½",
    "colloquial": "colloquial spellings and slang (dom, mej, asså, typ, gonna …); ambiguous markers count ½",
}

_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
# a sentence boundary: . ! ? … before a capital, a colon before a capital, or a line break
_SENTENCE_BREAK = re.compile(r"[.!?…]+(?=\s+[\"“”«(]?[^\W\d_a-zäöåæøéüß])|:(?=\s+[^\W\d_a-zäöåæøéüß])|\n+")
_PUNCT_RUN = re.compile(r"([?!])\1+")
_MAYBE_LINK = re.compile(r"[@#]|www\.|https?:")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+", re.IGNORECASE)
_HASH_MENTION = re.compile(r"[#@]\w+")

#: Nominalisation suffixes per language, matched at the end of a word (after an optional
#: inflectional ending) on words of at least ``len(suffix) + 3`` letters. Known false positives:
#: Swedish "tidning", "kyrkning"; Bokmål/Danish -ing words that are not deverbal ("ting", "konge" —
#: excluded by length, "parkering" included: it *is* deverbal).
NOMINAL_SUFFIXES = {
    "sv": (("ning", "het", "else", "tion", "sion", "skap", "itet"),
           r"(?:en|ens|ar|arna|arnas|er|erna|ernas|et|ets|s|n|ns|na|nas)?"),
    "nb": (("ning", "ing", "het", "else", "sjon", "skap", "itet"),
           r"(?:en|ens|er|ene|enes|a|et|ets|s|n|ns)?"),
    "nn": (("ning", "ing", "heit", "het", "else", "sjon", "skap", "nad", "itet"),
           r"(?:a|ar|ane|en|ens|er|ene|et|ets|s|n|ns)?"),
    "da": (("ning", "ing", "hed", "else", "tion", "sion", "skab", "itet"),
           r"(?:en|ens|er|erne|ernes|et|ets|s|n|ns|ne)?"),
    "en": (("tion", "sion", "ment", "ness", "ity", "ance", "ence"), r"(?:s|'s)?"),
}

#: How passive forms are found (documented in the module and the data README):
S_PASSIVE_RULES = {
    "sv": "a word ending in -s whose lemma differs from it and ends in a vowel, -d or -t (meddelas, ombeds, "
          "görs, skickades, gjorts); deponent and reciprocal verbs (finns, hoppas, trivs, ses, träffas …) and "
          "genitives in -ns / -ors are excluded. Known false positives: genitives of nouns in -a (skolas).",
    "nb": "a word ending in -es whose lemma is the word without -s and ends in -e (meldes, rettes, anmodes); "
          "deponents (finnes, synes, trives, lykkes, ses …) excluded. False positives: genitives of nouns in "
          "-e (kommunes).",
    "nn": "-ast after a modal verb, optionally one word between (skal sendast, kan ikkje nyttast), and the "
          "passive auxiliary vert / vart / verte / vorte. False positives: superlatives after a modal "
          "(kan best).",
    "da": "as Bokmål: -es forms of verbs in -e (fremsendes, behandles, indkaldes), deponents (findes, synes, "
          "lykkes, ses …) excluded. False positives: genitives of nouns in -e (kommunes).",
    "en": "a form of 'be' followed (optionally after an adverb in -ly or 'not') by a word in -ed or a common "
          "irregular participle (is required, will be given). False positives: adjectives in -ed "
          "(is closed, are excited).",
}

_DEPONENTS = {
    "sv": set("finns fanns funnits finnas hoppas hoppades hoppats lyckas lyckades lyckats trivs trivdes trivts "
              "minns mindes mints syns syntes synts känns kändes känts ses sågs setts andas andades låtsas "
              "kräks svettas åldras umgås slåss brottas träffas träffades möts möttes hörs hördes kramas "
              "pratas skojas fattas fattades tycks tycktes vistas vistades väsnas nyss alls ens annars "
              "bakifrån dels enligt oavsett tvärs".split()),
    "nb": set("finnes fantes synes syntes trives lykkes lyktes ses møtes høres kjennes minnes skilles "
              "slåss eies".split()),
    "da": set("findes fandtes synes syntes trives lykkes lykkedes ses mødes høres kendes mindes slås "
              "skilles".split()),
}
_SV_GENITIVE = re.compile(r"(?:ns|ors)$")
_NN_PASSIVE = re.compile(r"(?<!\w)(?:skal|skulle|kan|kunne|må|måtte|bør|burde|vil|ville)\s+(?:[^\W\d_]+\s+)?"
                         r"[^\W\d_]{3,}ast(?!\w)|(?<!\w)(?:vert|vart|verte|vorte)(?!\w)")
_EN_PARTICIPLES = ("made done held sent given taken paid kept found told shown known seen brought built bought "
                   "sold left set put read run won cut met spent sought taught caught laid written driven "
                   "chosen forbidden hidden undertaken withdrawn granted").split()
_EN_PASSIVE = re.compile(r"(?<!\w)(?:am|is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+|not\s+)?"
                         rf"(?:[a-z]{{2,}}ed|{'|'.join(_EN_PARTICIPLES)})(?!\w)")


@lru_cache(maxsize=1)
def _emoji_regex():
    """One match per emoji as the emoji package sees them: a skin tone, a variation selector or a
    zero-width-joiner sequence stays with its base; a flag is a pair of regional indicators."""
    bases = sorted({ord(k[0]) for k in _emoji.EMOJI_DATA if ord(k[0]) > 0x7F
                    and not 0x1F1E6 <= ord(k[0]) <= 0x1F1FF})
    ranges, start, prev = [], None, None
    for cp in bases:  # compress the code points into ranges for a compact character class
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            ranges.append((start, prev))
            start = prev = cp
    if start is not None:
        ranges.append((start, prev))
    base = "[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                         for a, b in ranges) + "]"
    mod = "[\ufe0f\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]*"
    return re.compile(f"[\U0001F1E6-\U0001F1FF]{{2}}|[#*0-9]\ufe0f?\u20e3|{base}{mod}(?:\u200d{base}{mod})*")


_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2bff\u3030\u303d\u3297\u3299"
                          "\U0001f000-\U0001faff]")


def _spaced_trie(terms) -> str:
    """A regex for any of ``terms`` inside a text of space-separated words: " w1 w2 … ".

    The leading space makes the match start at a word (fast: the regex engine jumps between
    spaces), the look-ahead makes it end at one; longest alternative first; the captured group is
    the term.
    """
    rx = resources.trie_regex(sorted(set(terms)), word_chars="(?!)")
    return " (" + rx.replace("(?<!(?!))", "").replace("(?!(?!))", "") + ")(?= )"


class _Lang:
    """Compiled rules and per-token caches of one language."""

    def __init__(self, lang: str):
        self.lang = lang
        lex = resources.lexicon(lang)
        # Terms are lemmas. A word of the text is matched in its normal form: itself when it is a
        # one-word term as written, else its lemma (so "erhöll" matches "erhålla", but "ska" and
        # "skolan", lemmatised to "skola", never match the term "skall"). Phrases match as written
        # and in the normal form of each of their words ("i dagsläget", "äger rum" → "äga rum").
        self.single_terms = {t for t in lex["term"] if " " not in t}
        terms = set(lex["term"]) | {" ".join(self.norm(w) for w in _WORD.findall(t)) for t in lex["term"]}
        self.lexicon_rx = re.compile(_spaced_trie(terms))
        mk = resources.markers(lang)
        self.marker_kind = dict(zip(mk["term"], mk["kind"]))
        self.marker_weight = dict(zip(mk["term"], mk["weight"]))
        # a marker is usable when it is made of whole words as the tokenizer sees them ("ha'" is not)
        usable = [t for t in mk["term"] if " ".join(_WORD.findall(t)) == t]
        self.marker_rx = re.compile(_spaced_trie(usable))
        suffixes, inflection = NOMINAL_SUFFIXES[lang]
        self.nominal_rx = re.compile("|".join(rf"^[^\W\d_]{{3,}}{s}{inflection}$" for s in suffixes))
        self.tokens: dict[str, tuple] = {}

    def lemma(self, token: str) -> str:
        return resources.lemma(token, self.lang)

    def norm(self, token: str) -> str:
        return token if token in self.single_terms else self.lemma(token)

    def token_info(self, token: str) -> tuple:
        """(normal form for term matching, is_long, is_nominal, is_s_passive) of a lower-cased token, cached."""
        info = self.tokens.get(token)
        if info is None:
            lem = self.lemma(token)
            letters = sum(ch.isalpha() for ch in token)
            info = (self.norm(token), letters > LONG_WORD, bool(self.nominal_rx.match(token) or self.nominal_rx.match(lem)),
                    self._s_passive(token, lem))
            if len(self.tokens) < 500_000:
                self.tokens[token] = info
        return info

    def _s_passive(self, t: str, lem: str) -> bool:
        lang = self.lang
        if lang == "sv":
            if len(t) < 3 or not t.endswith("s") or t.endswith("ss") or t in _DEPONENTS["sv"] or lem == t:
                return False
            if _SV_GENITIVE.search(t):
                return False
            return lem[-1] in "aeiouyåäöd" or lem.endswith("t")
        if lang in ("nb", "da"):
            return (len(t) >= 5 and t.endswith("es") and t not in _DEPONENTS[lang] and lem == t[:-1]
                    and lem.endswith("e"))
        return False  # nn and en: phrase rules on the text

    def text_passive(self, low: list) -> np.ndarray:
        rx = {"nn": _NN_PASSIVE, "en": _EN_PASSIVE}.get(self.lang)
        if rx is None:
            return np.zeros(len(low))
        return np.fromiter((len(rx.findall(t)) for t in low), dtype=float, count=len(low))


@lru_cache(maxsize=None)
def _language(lang: str) -> _Lang:
    return _Lang(lang)


def _features_one_language(texts: pd.Series, lang: str) -> pd.DataFrame:
    L = _language(lang)
    n = len(texts)
    # plain lists and compiled regexes: pandas' str accessor costs more than the matching here
    raw = [t.replace("’", "'").strip() for t in texts.tolist()]
    low = [t.lower() for t in raw]
    maybe_link, url, hash_mention = _MAYBE_LINK.search, _URL.sub, _HASH_MENTION.sub
    low = [hash_mention(" ", url(" ", t)) if maybe_link(t) else t for t in low]
    find_words = _WORD.findall
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
        for i in np.flatnonzero(n_words >= OVIX_MIN_WORDS):  # word types, only where OVIX is reported
            types[i] = len(np.unique(codes[starts[i]:ends[i]]))
        lem_flat = lemmas[codes].tolist()
        lemma_texts = [" " + " ".join(lem_flat[a:b]) + " " for a, b in zip(starts.tolist(), ends.tolist())]
    passive = passive + L.text_passive(low)
    # terms and markers are matched on the space-separated words (whole words by construction,
    # longest first): officialese on the lemmas, markers as written
    find_terms = L.lexicon_rx.findall
    officialese = np.fromiter((len(find_terms(t)) for t in lemma_texts), dtype=float, count=n)
    kinds = {k: np.zeros(n) for k in ("address", "we", "greeting", "signoff", "interjection", "colloquial")}
    kind_of, weight_of, find_markers = L.marker_kind, L.marker_weight, L.marker_rx.findall
    for i, toks in enumerate(tokens):
        if toks:
            for h in find_markers(" " + " ".join(toks) + " "):
                kinds[kind_of[h]][i] += weight_of[h]
    count_breaks = _SENTENCE_BREAK.findall
    sentences = np.fromiter((len(count_breaks(t)) + 1 for t in raw), dtype=float, count=n)
    sentences = np.where(n_words > 0, sentences, 0)
    # runs of ? and ! count once: "??!" is one question and one exclamation
    runs = [_PUNCT_RUN.sub(r"\1", t) if ("??" in t or "!!" in t) else t for t in raw]
    questions = np.fromiter((t.count("?") for t in runs), dtype=np.int64, count=n)
    exclamations = np.fromiter((t.count("!") for t in runs), dtype=np.int64, count=n)
    maybe_emoji, find_emoji = _MAYBE_EMOJI.search, _emoji_regex().findall
    n_emoji = np.fromiter((len(find_emoji(t)) if maybe_emoji(t) else 0 for t in raw), dtype=np.int64, count=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        per100 = np.where(n_words > 0, 100.0 / n_words, np.nan)
        lix = np.where(n_words > 0, n_words / np.maximum(sentences, 1) + 100.0 * long / n_words, np.nan)
        ln = np.log(n_words.astype(float))
        ovix = np.where((n_words >= OVIX_MIN_WORDS) & (types < n_words),
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


def features(texts, *, lang) -> pd.DataFrame:
    """The interpretable formality features of each text, one row per text (same index).

    Parameters
    ----------
    texts : sequence or Series of str
        Post texts; missing texts count as empty.
    lang : str or sequence of str
        One language code for all texts, or one per text (sv, nb, nn, da, en).

    Returns
    -------
    DataFrame with the columns of :data:`FEATURES` (rates per 100 words are NaN for a text without
    words) plus hidden raw counts (``_officialese_n`` …) that the index uses.

    Notes
    -----
    Words are runs of letters (numbers, links, hashtags and mentions are left out). Officialese
    terms are lemmas: every word of a text and of a term is lemmatised with simplemma, and terms
    (phrases too) are matched as whole words, longest first, on the lemmatised text. Markers are
    matched as written, whole words, longest first (``hej hej`` is one greeting, not two).
    LIX = words / sentences + 100 × words longer than 6 letters / words (Björnsson 1968);
    OVIX = log(words) / log(2 − log(types) / log(words)) (Hultman & Westman 1977).
    """
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    s = s.astype("string").fillna("").astype(object)
    langs = pd.Series(lang, index=s.index, dtype=object) if isinstance(lang, str) or lang is None \
        else pd.Series(list(lang), index=s.index, dtype=object)
    if len(langs) != len(s):
        raise ValueError(f"lang has {len(langs)} values for {len(s)} texts")
    bad = set(langs.dropna().unique()) - set(resources.LANGS)
    if bad or langs.isna().any():
        raise ValueError(f"no tone resources for language(s) {sorted(map(str, bad)) or ['<missing>']}; "
                         f"available: {', '.join(resources.LANGS)}")
    parts = []
    for code in pd.unique(langs):
        mask = (langs == code).to_numpy()
        parts.append(_features_one_language(s[mask], code))
    if not parts:
        return _features_one_language(s, "sv").iloc[:0]
    out = pd.concat(parts).reindex(s.index) if len(parts) > 1 else parts[0]
    return out
