"""Interpretable formality features of short texts, computed per language and vectorised.

>>> f = features(["Vederbörande anmodas att inkomma med ansökan.", "Hej! Vi ses på lördag 😊"], lang="sv")
>>> f[["officialese", "s_passive", "greetings", "signoffs", "emoji"]].round(1).to_dict("list")
{'officialese': [50.0, 0.0], 's_passive': [16.7, 0.0], 'greetings': [0.0, 1.0], 'signoffs': [0.0, 1.0], 'emoji': [0, 1]}

Links, e-mail addresses, mentions, hashtags and HTML entities are dealt with first
(:mod:`kommunsocial.tone.text`): a text without a word left has ``n_words`` 0.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

import emoji as _emoji
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import resources
from .text import WORD, strip_noise

__all__ = ["features", "FEATURES", "OVIX_MIN_WORDS", "LONG_WORD", "NOMINAL_SUFFIXES", "S_PASSIVE_RULES",
           "PERIPHRASTIC"]

#: A word longer than this many letters is "long" (Björnsson's LIX).
LONG_WORD = 6
#: OVIX (word variation) is reported only for texts of at least this many words; shorter texts
#: have nearly every word once, and the measure is then undefined or meaningless (NA, never invented).
OVIX_MIN_WORDS = 50

#: The feature columns, in order, with what each one measures.
FEATURES = {
    "n_words": "words (runs of letters, with inner apostrophes or hyphens; links, addresses, mentions, hashtags "
               "removed); 0: content-free",
    "n_sentences": "sentences: 1 + breaks (. ! ? … or a colon before a capital letter, line breaks)",
    "officialese": "officialese terms (lexicon, matched on lemmas, phrases included) per 100 words",
    "nominal": "nominalisations (-ning, -het, -else, -tion, -skap … per language) per 100 words",
    "s_passive": "passive forms (s-passive, and periphrastic: ble slått, er pågrepet, blev anholdt, is required) "
                 "per 100 words",
    "long_words": "share of words longer than 6 letters (%)",
    "word_length": "mean letters per word",
    "lix": "LIX readability: words per sentence + 100 × long words / words (Björnsson 1968)",
    "ovix": f"OVIX word variation (Hultman & Westman 1977); NA below {OVIX_MIN_WORDS} words",
    "address": "second-person address (du, dig, ni, dere, you …) per 100 words",
    "we": "first person plural (vi, oss, me, we …) per 100 words",
    "i": "first person singular (jag, jeg, eg, I …) per 100 words: a person's own voice",
    "questions": "questions (runs of ? outside links)",
    "exclamations": "exclamations (runs of !)",
    "emoji": "emoji (a skin-toned or ZWJ emoji counts once), bullets not included",
    "bullets": "lines that begin with an emoji, in a text with two or more such lines (a list: layout, not tone)",
    "greetings": "greetings (hej, hei, god morgon, hello …); ambiguous markers count ½",
    "signoffs": "sign-offs and thanks (kram, ha det bra, mvh, cheers …); ambiguous markers count ½",
    "interjections": "interjections (oj, wow, jippi, heja …); ambiguous markers count ½",
    "colloquial": "colloquial spellings and slang (dom, mej, asså, typ, gonna …); ambiguous markers count ½",
}

_WORD = WORD
# a sentence boundary: . ! ? … before a capital, a colon before a capital, or a line break, i.e.
#   [.!?…]+(?=\s+["“”«(]?CAP) | :(?=\s+CAP) | \n+      with CAP = [^\W\d_a-zäöåæøéüß]
# written to begin with one character class (the regex engine then skips to the candidates
# without trying each branch at every character); the look-behinds pick the branch, so the matches
# are the same.
_CAPITAL = r"[^\W\d_a-zäöåæøéüß]"
_SENTENCE_BREAK = re.compile(rf"[.!?…:\n](?:(?<=[.!?…])[.!?…]*(?=\s+[\"“”«(]?{_CAPITAL})|(?<=:)(?=\s+{_CAPITAL})"
                             r"|(?<=\n)\n*)")
_PUNCT_RUN = re.compile(r"([?!])\1+")

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
          "genitives in -ns / -ors and imperatives (läs, res: the lemma without its -a) are excluded. Known "
          "false positives: genitives of nouns in -a (skolas).",
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
    "periphrastic (sv, nb, nn, da)": "an auxiliary of PERIPHRASTIC, optionally one adverb of it, then a past "
                                     "participle: a word in one of its endings whose lemma differs from it and ends "
                                     "in a vowel (ble slått, er pågrepet, blev anholdt, har blivit gripen). False "
                                     "positives: adjectival participles (er kjent), which are formal too.",
}

#: Participles of verbs of motion and change that form the perfect with "er" in Danish and Norwegian
#: ("tiden er gået", "han er kommet hjem", "toget er gått"): a tense, not a passive.
_MOTION = {
    "da": "gået kommet rejst flyttet faldet steget sunket vokset forsvundet løbet fløjet sejlet vendt "
          "ankommet afgået",
    "nb": "gått kommet reist flyttet falt steget sunket vokst forsvunnet løpt flydd seilt ankommet",
    "nn": "gått kome reist flytta falle stige sokke vakse forsvunne sprunge flydd segla",
}

#: Periphrastic passives per language: (auxiliaries, adverbs allowed between, participle endings,
#: words with those endings that are not participles although their lemma ends in a vowel).
#: Swedish "är + participle" is left out: it is mostly stative (är stängd) and common in chat too.
PERIPHRASTIC = {
    "sv": ("blev blir bli blivit blivits blevo", "inte ej också redan nu ju väl aldrig", ("d", "t", "en", "na", "da",
                                                                                         "ta", "de"), "näst"),
    "nb": ("ble blir bli blitt er var vært", "ikke også nå allerede aldri nettopp", ("t", "d"),
           "mest fritt klart " + _MOTION["nb"]),
    "nn": ("blei blir bli blitt er var vore", "ikkje også no allereie aldri", ("t", "d", "a", "en", "ne"),
           "mest fritt " + _MOTION["nn"]),
    "da": ("blev bliver blive blevet er var været", "ikke også nu allerede aldrig netop", ("t", "d"),
           "godt frit fint " + _MOTION["da"]),
}
_LEMMA_ENDS_IN_VOWEL = re.compile(r"[^+]*[aeiouyæøåäöé](?:\+|$)")

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
# Every match of _NN_PASSIVE contains, inside one white-space separated chunk, a word of 3+ letters
# plus -ast that begins the chunk or follows white space, or an auxiliary: texts without skip the regex.
_NN_PASSIVE_CHUNK = re.compile(r"(?<!\S)[^\W\d_]{3,}ast(?!\w)|(?<!\w)(?:vert|vart|verte|vorte)(?!\w)")
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


@lru_cache(maxsize=1)
def _emoji_run_regex():
    """Runs of the characters an emoji without a keycap can be made of (a superset: bases, regional
    indicators, skin tones, variation selector, tags, zero-width joiner). Every such emoji lies inside
    one run, so the emoji of a text are the emoji of its runs: the emoji regex then reads a few
    characters instead of the whole text."""
    cps = {ord(k[0]) for k in _emoji.EMOJI_DATA if ord(k[0]) > 0x7F}
    cps |= set(range(0x1F1E6, 0x1F200)) | set(range(0x1F3FB, 0x1F400)) | set(range(0xE0020, 0xE0080))
    cps |= {0xFE0F, 0x200D}
    ranges = []
    for cp in sorted(cps):  # BMP characters exactly; beyond it, ranges merged over small gaps
        if ranges and (cp == ranges[-1][1] + 1 or (cp > 0xFFFF and ranges[-1][1] > 0xFFFF
                                                      and cp - ranges[-1][1] <= 0x1000)):
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{cls}][{cls}]*")  # not [...]+: a leading class lets the engine skip to candidates


def _count_emoji(raw: list) -> np.ndarray:
    """Emoji per text: ``len(_emoji_regex().findall(t))`` where ``_MAYBE_EMOJI`` finds a candidate, else 0.

    A keycap (``1️⃣``) starts with an ASCII character: texts with one are read whole; the others
    only in their runs of emoji characters (joined by spaces, which no emoji contains).
    """
    maybe_emoji, find_emoji, find_runs = _MAYBE_EMOJI.search, _emoji_regex().findall, _emoji_run_regex().findall
    out = np.zeros(len(raw), dtype=np.int64)
    for i, t in enumerate(raw):
        if "\u20e3" in t:
            if maybe_emoji(t):
                out[i] = len(find_emoji(t))
        else:
            runs = find_runs(t)
            if runs and maybe_emoji(t):
                out[i] = len(find_emoji(" ".join(runs)))
    return out


@lru_cache(maxsize=1)
def _bullet_regex():
    """A line's leading emoji (one or more, before some letters on that line): a bullet point."""
    return re.compile(rf"^[ \t]*(?:(?:{_emoji_regex().pattern})[ \t]*)+(?=[^\n]*[^\W\d_])", re.MULTILINE)


def _bullets(raw: list) -> tuple:
    """(texts without their bullet emoji, bullets per text). Emoji begin lines as bullets when at least two
    lines of a text begin with one (a list); a single line opening with an emoji is a decoration, and stays."""
    out, n = list(raw), np.zeros(len(raw), dtype=np.int64)
    lead = _bullet_regex()
    for i, t in enumerate(raw):
        if "\n" in t and (_MAYBE_EMOJI.search(t) or "\u20e3" in t):
            found = lead.findall(t)
            if len(found) >= 2:
                n[i] = len(found)
                out[i] = lead.sub("", t)
    return out, n


def _pair_index(phrases):
    """The first two words of the multi-word ``phrases``: ({first word: id}, {second word: id}, sorted keys
    ``first id × len(second words) + second id``). A phrase can only match where such a pair of words starts."""
    first, second, pairs = {}, {}, set()
    for p in phrases:
        words = p.split(" ")
        if len(words) > 1:
            pairs.add((first.setdefault(words[0], len(first)), second.setdefault(words[1], len(second))))
    keys = np.array(sorted(a * len(second) + b for a, b in pairs), dtype=np.int64)
    return first, second, keys


def _texts_with_pairs(words: list, pair_index, codes: np.ndarray, text_of: np.ndarray) -> np.ndarray:
    """Indices of the texts in which two consecutive tokens (codes into ``words``) begin a phrase."""
    first, second, keys = pair_index
    if not len(keys) or len(codes) < 2:
        return np.zeros(0, dtype=np.int64)
    first_of = np.fromiter((first.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    second_of = np.fromiter((second.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    pos = np.flatnonzero(first_of[codes[:-1]] >= 0)
    nxt = second_of[codes[pos + 1]]
    keep = (nxt >= 0) & (text_of[pos] == text_of[pos + 1])
    pos = pos[keep]
    key = first_of[codes[pos]] * len(second) + nxt[keep]
    return np.unique(text_of[pos[np.isin(key, keys)]])


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
        self.terms = frozenset(t for t in terms if t)
        self.term_pairs = _pair_index(self.terms)
        mk = resources.markers(lang)
        self.marker_kind = dict(zip(mk["term"], mk["kind"]))
        self.marker_weight = dict(zip(mk["term"], mk["weight"]))
        # a marker is usable when it is made of whole words as the tokenizer sees them ("ha'" is not)
        usable = [t for t in mk["term"] if " ".join(_WORD.findall(t)) == t]
        self.marker_rx = re.compile(_spaced_trie(usable))
        self.usable_markers = frozenset(usable)
        self.marker_pairs = _pair_index(self.usable_markers)
        suffixes, inflection = NOMINAL_SUFFIXES[lang]
        self.nominal_rx = re.compile("|".join(rf"^[^\W\d_]{{3,}}{s}{inflection}$" for s in suffixes))
        aux, skip, endings, stop = PERIPHRASTIC.get(lang, ("", "", ("\0",), ""))
        self.aux, self.skip, self.endings, self.not_participle = set(aux.split()), set(skip.split()), endings, \
            set(stop.split())
        self.tokens: dict[str, tuple] = {}

    def lemma(self, token: str) -> str:
        return resources.lemma(token, self.lang)

    def norm(self, token: str) -> str:
        return token if token in self.single_terms else self.lemma(token)

    def token_info(self, token: str) -> tuple:
        """(normal form for term matching, is_long, is_nominal, is_s_passive, letters, is a passive auxiliary,
        an adverb allowed after one, a past participle) of a lower-cased token, cached."""
        info = self.tokens.get(token)
        if info is None:
            lem = self.lemma(token)
            letters = sum(ch.isalpha() for ch in token)
            participle = (len(token) >= 3 and token.endswith(self.endings) and lem != token and token not in self.aux
                          and token not in self.not_participle and bool(_LEMMA_ENDS_IN_VOWEL.match(lem)))
            info = (self.norm(token), letters > LONG_WORD, bool(self.nominal_rx.match(token) or self.nominal_rx.match(lem)),
                    self._s_passive(token, lem), letters, token in self.aux, token in self.skip, participle)
            if len(self.tokens) < 500_000:
                self.tokens[token] = info
        return info

    def _s_passive(self, t: str, lem: str) -> bool:
        lang = self.lang
        if lang == "sv":
            if len(t) < 3 or not t.endswith("s") or t.endswith("ss") or t in _DEPONENTS["sv"] or lem == t:
                return False
            if _SV_GENITIVE.search(t) or t == lem[:-1]:  # "läs", "res": imperatives of läsa, resa
                return False
            return lem[-1] in "aeiouyåäöd" or lem.endswith("t")
        if lang in ("nb", "da"):
            return (len(t) >= 5 and t.endswith("es") and t not in _DEPONENTS[lang] and lem == t[:-1]
                    and lem.endswith("e"))
        return False  # nn and en: phrase rules on the text

    def text_passive(self, low: list, candidates: np.ndarray | None = None) -> np.ndarray:
        """Passive phrases per text (nn, en); only texts where ``candidates`` is true are read (default all)."""
        rx = {"nn": _NN_PASSIVE, "en": _EN_PASSIVE}.get(self.lang)
        out = np.zeros(len(low))
        if rx is None:
            return out
        find = rx.findall
        for i in (range(len(low)) if candidates is None else np.flatnonzero(candidates).tolist()):
            out[i] = len(find(low[i]))
        return out


@lru_cache(maxsize=None)
def _language(lang: str) -> _Lang:
    return _Lang(lang)


#: Texts are processed in blocks of this many distinct texts (bounds the memory of the token arrays).
_BLOCK = 100_000
_KINDS = ("address", "we", "i", "greeting", "signoff", "interjection", "colloquial")


def _features_one_language(texts: pd.Series, lang: str) -> pd.DataFrame:
    L = _language(lang)
    # every feature is a function of the text alone: each distinct text is read once
    inverse, distinct = pd.factorize(np.asarray(texts.tolist(), dtype=object), sort=False)
    distinct = distinct.tolist()
    blocks = [_features_block(distinct[a:a + _BLOCK], L) for a in range(0, len(distinct), _BLOCK)] or \
        [_features_block([], L)]
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    n_words, sentences, long, letters, officialese, nominal, passive, types, questions, exclamations, n_emoji, \
        bullets = (cols[k][inverse] for k in ("n_words", "sentences", "long", "letters", "officialese", "nominal",
                                              "passive", "types", "questions", "exclamations", "emoji", "bullets"))
    kinds = {k: cols[k][inverse] for k in _KINDS}
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
        "word_length": letters * per100 / 100.0,
        "lix": lix,
        "ovix": ovix,
        "address": kinds["address"] * per100,
        "we": kinds["we"] * per100,
        "i": kinds["i"] * per100,
        "questions": questions,
        "exclamations": exclamations,
        "emoji": n_emoji,
        "bullets": bullets,
        "greetings": kinds["greeting"],
        "signoffs": kinds["signoff"],
        "interjections": kinds["interjection"],
        "colloquial": kinds["colloquial"],
        "_officialese_n": officialese,
        "_nominal_n": nominal,
        "_s_passive_n": passive,
        "_long_n": long,
        "_letters_n": letters,
        "_address_n": kinds["address"],
        "_we_n": kinds["we"],
        "_i_n": kinds["i"],
    }, index=texts.index)


def _chunks(low: list) -> tuple:
    """The white-space separated chunks of the texts: (chunks per text, chunk codes in text order, distinct
    chunks). Split and encoded in Arrow; in Python where a text is not valid UTF-8. The two may disagree
    on what is white space (and Arrow gives empty chunks at the ends), never on a word: white space is
    never part of one."""
    try:
        arr = pa.array(low, type=pa.large_string())
    except (pa.ArrowException, UnicodeError):
        chunks = [t.split() for t in low]
        per_text = np.fromiter(map(len, chunks), dtype=np.int64, count=len(low))
        codes, uniques = pd.factorize(np.array(list(chain.from_iterable(chunks)), dtype=object), sort=False)
        return per_text, codes, uniques.tolist()
    split = pc.utf8_split_whitespace(arr)
    encoded = pc.dictionary_encode(pc.list_flatten(split))
    return (pc.list_value_length(split).to_numpy(zero_copy_only=False).astype(np.int64),
            encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary.to_pylist())


def _features_block(texts: list, L: _Lang) -> dict:
    """The raw counts of each text of ``texts`` (a list of str) in the language of ``L``."""
    n = len(texts)
    # plain lists and compiled regexes: pandas' str accessor costs more than the matching here.
    # Links, addresses, mentions, hashtags go and entities are read before anything is counted
    raw = [strip_noise(t).replace("’", "'").strip() for t in texts]
    low = [t.lower() for t in raw]
    # Words. No word contains or reaches over white space, so the words of a text are those of its
    # white-space separated chunks, in order; a chunk of letters only is one word. Each distinct
    # chunk is read once, and each word is an integer code into the block's distinct words.
    n_chunks, chunk_codes, chunk_uniques = _chunks(low)
    find_words = _WORD.findall
    chunk_words = [(c,) if c.isalpha() else find_words(c) for c in chunk_uniques]
    words_per_unique = np.fromiter(map(len, chunk_words), dtype=np.int64, count=len(chunk_words))
    codes_of_unique, uniques = pd.factorize(np.array(list(chain.from_iterable(chunk_words)), dtype=object),
                                            sort=False)
    per_chunk = words_per_unique[chunk_codes]
    chunk_end = np.cumsum(per_chunk)
    # the codes of the words of every chunk, chunk after chunk
    codes = codes_of_unique[np.arange(chunk_end[-1] if len(chunk_end) else 0, dtype=np.int64)
                            - np.repeat(chunk_end - per_chunk - (np.cumsum(words_per_unique)
                                                                   - words_per_unique)[chunk_codes], per_chunk)]
    before = np.concatenate(([0], chunk_end))
    text_chunk_end = np.cumsum(n_chunks)
    n_words = before[text_chunk_end] - before[text_chunk_end - n_chunks]
    ends = np.cumsum(n_words)
    starts = ends - n_words
    text_of = np.repeat(np.arange(n), n_words)
    words = uniques.tolist()
    info = [L.token_info(u) for u in words]
    norms = [i[0] for i in info]
    flags = np.array([i[1:] for i in info], dtype=float).reshape(len(info), 7)

    def per_text(weight_of_word: np.ndarray) -> np.ndarray:
        return np.bincount(text_of, weights=weight_of_word[codes], minlength=n).astype(float, copy=False)

    long, nominal, passive, letters = (per_text(flags[:, j]) for j in range(4))
    # periphrastic passives: a participle right after an auxiliary, or after an auxiliary and one adverb
    aux, skip, part = (flags[:, j][codes] > 0 for j in (4, 5, 6))
    if part.any():
        same1 = np.r_[False, text_of[1:] == text_of[:-1]]
        same2 = np.r_[False, False, text_of[2:] == text_of[:-2]]
        after_aux = np.r_[False, aux[:-1]] & same1
        after_adverb = np.r_[False, skip[:-1]] & np.r_[False, False, aux[:-2]] & same2
        passive += np.bincount(text_of[part & (after_aux | after_adverb)], minlength=n)
    # word types, only where OVIX is reported: the distinct (text, word) pairs of those texts
    types = n_words.astype(float)
    ovix_texts = n_words >= OVIX_MIN_WORDS
    if ovix_texts.any():
        sel = ovix_texts[text_of]
        pairs = pd.unique(text_of[sel] * np.int64(max(len(words), 1)) + codes[sel])
        types[ovix_texts] = np.bincount(pairs // max(len(words), 1), minlength=n)[ovix_texts]
    candidates = None
    if L.lang == "nn":
        hit = np.fromiter((_NN_PASSIVE_CHUNK.search(c) is not None for c in chunk_uniques), dtype=np.int64,
                          count=len(chunk_uniques))
        seen = np.concatenate(([0], np.cumsum(hit[chunk_codes])))
        candidates = seen[text_chunk_end] > seen[text_chunk_end - n_chunks]
    passive = passive + L.text_passive(low, candidates)

    # Officialese terms (on the normal forms) and markers (as written) are matched "longest first,
    # non-overlapping, whole words" on the space-separated words. Where no two consecutive words
    # begin a phrase (and every normal form is one non-empty word), each word can only match as a
    # one-word term: the count is the sum over words. The other texts are matched as such.
    terms = L.terms
    officialese = per_text(np.fromiter((w in terms for w in norms), dtype=float, count=len(norms)))
    odd = np.fromiter((not w or " " in w for w in norms), dtype=bool, count=len(norms))
    phrase_texts = np.union1d(_texts_with_pairs(norms, L.term_pairs, codes, text_of),
                              np.unique(text_of[odd[codes]]))
    if len(phrase_texts):
        norm_of = np.array(norms, dtype=object)
        find_terms = L.lexicon_rx.findall
        for i in phrase_texts.tolist():
            officialese[i] = len(find_terms(" " + " ".join(norm_of[codes[starts[i]:ends[i]]].tolist()) + " "))
    usable, kind_of, weight_of = L.usable_markers, L.marker_kind, L.marker_weight
    kinds = {}
    for k in _KINDS:
        w = np.fromiter((weight_of[u] if u in usable and kind_of[u] == k else 0.0 for u in words),
                        dtype=float, count=len(words))
        kinds[k] = per_text(w) if w.any() else np.zeros(n)
    phrase_texts = _texts_with_pairs(words, L.marker_pairs, codes, text_of)
    if len(phrase_texts):
        word_of = np.array(words, dtype=object)
        find_markers = L.marker_rx.findall
        for i in phrase_texts.tolist():
            for k in _KINDS:
                kinds[k][i] = 0.0
            for h in find_markers(" " + " ".join(word_of[codes[starts[i]:ends[i]]].tolist()) + " "):
                kinds[kind_of[h]][i] += weight_of[h]

    count_breaks = _SENTENCE_BREAK.findall
    sentences = np.fromiter((len(count_breaks(t)) + 1 if k else 0 for t, k in zip(raw, n_words.tolist())),
                            dtype=float, count=n)
    # runs of ? and ! count once: "??!" is one question and one exclamation
    runs = [_PUNCT_RUN.sub(r"\1", t) if ("??" in t or "!!" in t) else t for t in raw]
    questions = np.fromiter((t.count("?") for t in runs), dtype=np.int64, count=n)
    exclamations = np.fromiter((t.count("!") for t in runs), dtype=np.int64, count=n)
    unbulleted, bullets = _bullets(raw)
    return {"n_words": n_words, "sentences": sentences, "long": long, "letters": letters,
            "officialese": officialese, "nominal": nominal, "passive": passive, "types": types,
            "questions": questions, "exclamations": exclamations, "emoji": _count_emoji(unbulleted),
            "bullets": bullets, **kinds}


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
    Words are runs of letters (numbers, links, e-mail addresses, hashtags and mentions are left
    out, HTML entities read: :func:`kommunsocial.tone.text.strip_noise`). Officialese
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
