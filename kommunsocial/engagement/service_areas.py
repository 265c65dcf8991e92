"""Seeded topics: the municipal service area a post is about, from a shipped word list.

``kommunsocial/data/topics/service_areas.tsv`` (columns ``area``, ``lang``, ``term``; see the README
beside it) names, for each language of the tone measures (sv, nb, nn, da, en), 30–80 words of each
service area a municipality posts about (:data:`AREAS`): words of the subject, neither formal nor
conversational. They are matched on the *content words* of a post (:mod:`.content`):

* a plain term (``bibliotek``) matches a word that is the term or whose lemma
  (:func:`kommunsocial.tone.resources.lemma`) is the term;
* ``stem*`` matches a word or lemma that starts with ``stem`` (``snö*``: snön, snöröjning, snövallar);
* ``*end`` matches a word or lemma that ends with ``end`` (``*skola``: grundskolan, förskola), for the
  compounds of the Nordic languages, whose head comes last;
* a word several terms match counts for the area of the longest of them (``luciatåg*`` is an
  event although ``*tåg`` is a train); at equal length a plain term before an affix, then the
  first area of :data:`AREAS`.

A post's area is the one with the most matched words (each occurrence counts, a crisis word twice:
:data:`AREA_WEIGHTS`); a tie goes to the
area whose first matched word comes first in the post (the lead says what a post is about). A post
with fewer than ``min_hits`` matched words has no area. Each distinct word is matched once.

>>> area_of_words(["snöröjningen", "gatorna", "förskolan"], "sv")
['snow_roads', 'snow_roads', 'school']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as _res
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import KommunsocialError
from ..tone import resources

__all__ = ["AREAS", "AREA_LANGS", "AREA_WEIGHTS", "MIN_AFFIX", "TopicError", "area_terms", "area_of_words", "assign_areas"]

#: The service areas, in the order that breaks ties between equally long terms.
AREAS = ("snow_roads", "water_waste", "school", "care_health", "culture_leisure", "council_politics",
         "crisis_safety", "jobs_business", "building_planning", "events", "traffic_transport",
         "environment_climate")
#: What a matched word of an area counts: an emergency post names the services it touches (schools
#: closed, home care late, a road shut), and it is about the emergency, so crisis words count double.
AREA_WEIGHTS = {"crisis_safety": 2}
#: Languages the shipped list covers.
AREA_LANGS = ("sv", "nb", "nn", "da", "en")
#: A stem (``stem*``) or ending (``*end``) has at least this many letters.
MIN_AFFIX = 3


class TopicError(KommunsocialError, ValueError):
    """A topic word list or a topic setting that cannot be used; the message names the file, row and column."""


def _shipped() -> Path:
    return Path(str(_res.files("kommunsocial") / "data" / "topics" / "service_areas.tsv"))


@lru_cache(maxsize=8)
def _read(path: str) -> pd.DataFrame:
    name = Path(path).name
    try:
        frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise TopicError(f"{name}: cannot be read as a tab-separated UTF-8 file ({exc})") from exc
    missing = [c for c in ("area", "lang", "term") if c not in frame.columns]
    if missing:
        raise TopicError(f"{name}, row 1: the header lacks the column(s) {', '.join(missing)} "
                         "(expected area, lang, term)")
    frame = frame[["area", "lang", "term"]].apply(lambda s: s.str.strip())
    frame["term"] = frame["term"].str.lower()
    for i, row in enumerate(frame.itertuples(index=False), start=2):  # row 1 is the header
        problem = _problem(row.area, row.lang, row.term)
        if problem:
            column, reason = problem
            raise TopicError(f"{name}, row {i}, column {column!r}: {reason}")
    again = frame.duplicated(["lang", "term"], keep=False) & ~frame.duplicated(keep=False)
    if again.any():
        i = int(np.flatnonzero(again.to_numpy())[1])
        raise TopicError(f"{name}, row {i + 2}, column 'term': {frame['term'].iloc[i]!r} is in two areas of "
                         f"language {frame['lang'].iloc[i]!r}")
    return frame.drop_duplicates().reset_index(drop=True)


def _problem(area: str, lang: str, term: str):
    if not area:
        return "area", "empty"
    if not lang:
        return "lang", "empty"
    body = term.strip("*")
    if not body or not all(ch.isalpha() or ch in "-'" for ch in body):
        return "term", f"{term!r} is not a word (letters, inner hyphens or apostrophes) with an optional * at one end"
    if term.startswith("*") and term.endswith("*"):
        return "term", f"{term!r}: a * at both ends; write a stem (stem*) or an ending (*end)"
    if body != term and len(body) < MIN_AFFIX:
        return "term", f"{term!r}: a stem or ending needs at least {MIN_AFFIX} letters"
    return None


def area_terms(path=None) -> pd.DataFrame:
    """The word list (``area``, ``lang``, ``term``): the shipped one, or the TSV file at ``path``.

    Raises :class:`TopicError` naming the file, row and column of a row that cannot be used.
    """
    return _read(str(_shipped() if path is None else Path(path))).copy()


@dataclass(frozen=True)
class _Matcher:
    exact: dict
    prefix: dict
    suffix: dict
    longest: int
    areas: tuple


@lru_cache(maxsize=32)
def _matcher(path: str, lang: str) -> _Matcher:
    frame = _read(path)
    frame = frame[frame["lang"] == lang]
    order = {a: i for i, a in enumerate(AREAS)}
    areas = tuple(sorted(set(frame["area"]), key=lambda a: (order.get(a, len(order)), a)))
    index = {a: i for i, a in enumerate(areas)}
    exact, prefix, suffix = {}, {}, {}
    for area, term in zip(frame["area"], frame["term"]):
        if term.endswith("*"):
            prefix[term[:-1]] = index[area]
        elif term.startswith("*"):
            suffix[term[1:]] = index[area]
        else:
            exact[term] = index[area]
    longest = max(map(len, frame["term"]), default=0)
    return _Matcher(exact, prefix, suffix, longest, areas)


def _area_index(word: str, lang: str, m: _Matcher) -> int:
    """The index (into ``m.areas``) of the area ``word`` counts for, -1 for none (see the module)."""
    best = (0, 0, -1)  # (term length, plain before affix, -area): the largest wins
    for form in {word, resources.lemma(word, lang).lower()}:
        a = m.exact.get(form)
        if a is not None:
            best = max(best, (len(form), 1, -a))
        for k in range(MIN_AFFIX, min(len(form), m.longest) + 1):
            a = m.prefix.get(form[:k])
            if a is not None:
                best = max(best, (k, 0, -a))
            a = m.suffix.get(form[-k:])
            if a is not None:
                best = max(best, (k, 0, -a))
    return -best[2] if best[0] else -1


def area_of_words(words, lang: str, *, path=None) -> list:
    """The area each of ``words`` (lower-case content words) counts for, ``None`` for none."""
    m = _matcher(str(_shipped() if path is None else Path(path)), lang)
    return [m.areas[i] if i >= 0 else None for i in (_area_index(w, lang, m) for w in words)]


def assign_areas(lengths: np.ndarray, codes: np.ndarray, words: list, lang: str, *, min_hits: int = 1,
                 path=None) -> tuple[np.ndarray, tuple, np.ndarray]:
    """The area of each text whose content words are ``words[codes]``, ``lengths[i]`` of them for text i.

    Returns ``(area index per text, -1 for none; the areas; area index per word of ``words``)``.
    Each distinct word is matched once; the counting is vectorised over the texts.
    """
    m = _matcher(str(_shipped() if path is None else Path(path)), lang)
    n = len(lengths)
    word_area = np.fromiter((_area_index(w, lang, m) for w in words), dtype=np.int64, count=len(words))
    if not len(codes) or not m.areas:
        return np.full(n, -1, dtype=np.int64), m.areas, word_area
    text_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    position = np.arange(len(codes)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    area = word_area[codes]
    hit = area >= 0
    k = len(m.areas)
    cell = text_of[hit] * k + area[hit]
    hits = np.bincount(cell, minlength=n * k).reshape(n, k)
    weighted = hits * np.array([AREA_WEIGHTS.get(a, 1) for a in m.areas])
    first = np.full(n * k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, cell, position[hit])
    first = first.reshape(n, k)
    # most hits first; among equals the earliest first hit: the largest hits·(L+1) − first position
    score = weighted * (int(lengths.max()) + 1) - np.where(hits > 0, first, 0)
    best = score.argmax(axis=1)
    top = hits[np.arange(n), best]
    return np.where(top >= max(min_hits, 1), best, -1), m.areas, word_area
