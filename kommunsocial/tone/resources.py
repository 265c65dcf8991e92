"""The tone module's language resources: officialese lexicons, conversational markers, development sets.

The files live in ``kommunsocial/data/tone/`` (see its README): ``lexicon_<lang>.tsv`` (officialese
terms as lemmas, with plain alternatives and sources), ``markers_<lang>.tsv`` (conversational
markers as written, by kind) and ``devset_<lang>.csv`` (hand-labelled posts with a train/test split).

>>> sorted(set(markers("sv")["kind"]))
['address', 'colloquial', 'greeting', 'i', 'interjection', 'signoff', 'we']
>>> lemma("meddelas", "sv")
'meddela'
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources as _res

import pandas as pd

__all__ = ["LANGS", "lexicon", "markers", "devset", "lemma", "marker_weight", "AMBIGUOUS_MARKERS",
           "trie_regex"]

#: Languages with resources: Swedish, Norwegian Bokmål and Nynorsk, Danish, English.
LANGS = ("sv", "nb", "nn", "da", "en")

#: Markers that also have a common non-conversational reading (a homograph, or a word formal
#: notices use too). They count half (see :func:`marker_weight`). Chosen by reading, not fitted.
AMBIGUOUS_MARKERS = {
    # dom: also "court ruling"; typ: also "type"; fett: also "fat"; häng: imperative of "hang";
    # tack / välkommen / välkomna: formal notices thank and welcome too; er: also a typo of "är"
    # min: also "minutes" (30 min) in every Nordic language; en "mine": also a noun
    "sv": {"dom", "typ", "fett", "häng", "tack", "välkommen", "välkomna", "er", "yes", "kul", "nä", "min"},
    # di: also dialect "they"; ka / æ / je / ass: dialect and abbreviations; takk: formal thanks too
    "nb": {"di", "ka", "æ", "je", "ass", "typ", "takk", "nam", "au", "hmm", "ses", "hilsen", "min"},
    # de: formal plural "you" and a determiner in mixed texts; me: Bokmål "meg" in dialect writing
    "nn": {"de", "ka", "æ", "ass", "typ", "kje", "takk", "nam", "au", "hmm", "helsing", "min"},
    # ej: also the officialese negation; av: also a preposition in Norwegian-influenced text;
    # tak / velkommen: formal thanks and invitations; ska/sku: also abbreviations
    "da": {"ej", "av", "ska", "sku", "ik", "tak", "ok", "hov", "mega", "snak", "velkommen", "kanon", "uh",
           "hyggelig", "hyggeligt", "min"},
    # welcome / enjoy / thank you: formal notices use them; super / cool / brilliant: also literal
    "en": {"ta", "wee", "super", "cool", "brilliant", "enjoy", "welcome", "thank you", "thanks", "sorted",
           "loads", "ya", "oh", "ok", "okay", "fab", "cheeky", "ye", "us", "mine"},
}
AMBIGUOUS_WEIGHT = 0.5


def _data(name: str):
    return _res.files("kommunsocial") / "data" / "tone" / name


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"no tone resources for language {lang!r}; available: {', '.join(LANGS)}")
    return lang


@lru_cache(maxsize=None)
def lexicon(lang: str) -> pd.DataFrame:
    """Officialese terms of ``lang``: ``term`` (lemma or phrase), ``plain``, ``kind``, ``source``."""
    with _data(f"lexicon_{_check_lang(lang)}.tsv").open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
    frame["term"] = frame["term"].str.strip().str.lower()
    return frame.drop_duplicates("term").reset_index(drop=True)


@lru_cache(maxsize=None)
def markers(lang: str) -> pd.DataFrame:
    """Conversational markers of ``lang``: ``term`` (as written, lower case), ``kind``, ``weight``."""
    with _data(f"markers_{_check_lang(lang)}.tsv").open(encoding="utf-8") as fh:
        frame = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
    frame["term"] = frame["term"].str.strip().str.lower().str.replace("’", "'", regex=False)
    frame = frame.drop_duplicates("term").reset_index(drop=True)
    frame["weight"] = [marker_weight(t, lang) for t in frame["term"]]
    return frame


def marker_weight(term: str, lang: str) -> float:
    """1 for a marker, :data:`AMBIGUOUS_WEIGHT` (0.5) for one in :data:`AMBIGUOUS_MARKERS`.

    >>> marker_weight("dom", "sv"), marker_weight("du", "sv")
    (0.5, 1.0)
    """
    return AMBIGUOUS_WEIGHT if term in AMBIGUOUS_MARKERS.get(lang, ()) else 1.0


@lru_cache(maxsize=None)
def devset(lang: str | None = None) -> pd.DataFrame:
    """The hand-labelled development set (all languages when ``lang`` is None).

    Columns: ``id``, ``lang``, ``text``, ``label`` (formal / conversational), ``formality``
    (1–5 rating), ``hard_case``, ``split`` (train / test, 70/30).
    """
    langs = LANGS if lang is None else (_check_lang(lang),)
    frames = []
    for code in langs:
        with _data(f"devset_{code}.csv").open(encoding="utf-8") as fh:
            frames.append(pd.read_csv(fh, dtype={"id": str, "lang": str, "text": str, "label": str,
                                                 "hard_case": str, "split": str}))
    out = pd.concat(frames, ignore_index=True)
    out["hard_case"] = out["hard_case"].fillna("")
    return out


@lru_cache(maxsize=None)
def _lemmatizer(lang: str):
    from simplemma import lemmatize

    return lemmatize


@lru_cache(maxsize=400_000)
def lemma(token: str, lang: str) -> str:
    """The lemma of a lower-cased ``token`` (simplemma's dictionaries, which ship in its wheel), cached."""
    try:
        return _lemmatizer(lang)(token, lang=lang)
    except (ValueError, KeyError):  # pragma: no cover - unsupported language
        return token


def trie_regex(terms, *, word_chars: str = r"\w") -> str:
    """A regex matching any of ``terms`` as whole words, the longest one where several start together.

    The alternatives are factored into a trie (fast to match even for hundreds of terms); a match
    must not be preceded or followed by a word character, so ``samt`` does not hit ``samtal``.

    >>> rx = re.compile(trie_regex(["hej", "hej hej", "hejsan"]))
    >>> rx.findall("hej hej! hejsan, hejdå")
    ['hej hej', 'hejsan']
    """
    trie: dict = {}
    for term in terms:
        if not term:
            continue
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:  # a shorter term ends here: the longer continuation is tried first (greedy ?)
            return "(?:" + body + ")?"
        return body

    return rf"(?<!{word_chars})(?:{build(trie)})(?!{word_chars})"
