"""The content words of posts: what a post is about, with the words that say how it is written removed.

A topic model fed every word of municipal posts finds register as readily as subject: greetings,
"ni", "tack" and emoji make one "topic", "samt", "enligt" and "beslut" another. Adjusting an
engagement model for such topics removes part of the tone effect it is meant to estimate. The
topic controls therefore read only the *content words* of a text:

* the words the tone measures read (:mod:`kommunsocial.tone.text`: links, e-mail addresses,
  mentions, hashtags and privacy masks removed, HTML entities read), lower-cased; emoji,
  punctuation and numbers are no words;
* without the tone measure's own vocabulary (:mod:`kommunsocial.tone.resources`): officialese
  terms and phrases of the lexicon (matched on lemmas, as the index matches them) and the
  conversational markers (greetings, sign-offs, address, *we*, interjections, colloquial words,
  phrases such as "ha det bra" included);
* without pronouns and function words (stopwordsiso's list of the language, with a few Nynorsk
  forms it lacks), the word "kommun…" and words of fewer than three letters.

>>> content_words("Hej! Vi har plogat gatorna i natt, samt sandat 😊 https://example.org/snö", "sv")
['plogat', 'gatorna', 'natt', 'sandat']
>>> content_words("Tusen takk til alle som kom på konserten i kulturhuset!", "nb")
['konserten', 'kulturhuset']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import pandas as pd

from ..tone import resources
from ..tone.text import WORD, strip_noise

__all__ = ["content_words", "content_tokens", "all_words", "stopwords", "MIN_LETTERS"]

#: A content word has at least this many letters ("is", "nu", "ok" say little about a subject).
MIN_LETTERS = 3

#: stopwordsiso's list for each language (it has one Norwegian list, Bokmål in the main).
_STOPWORD_LANG = {"sv": "sv", "nb": "no", "nn": "no", "da": "da", "en": "en", "fi": "fi"}
#: Nynorsk function words the Norwegian list lacks.
_NN_EXTRA = ("frå", "berre", "ei", "kvar", "kven", "korleis", "kvifor", "noko", "nokon", "nokre", "mykje", "sjølv",
             "dykkar", "ikkje", "vere", "vore", "hjå", "òg", "elles", "difor", "medan", "sidan", "utan", "fordi")
#: The municipality itself is in nearly every post: no subject.
_MUNICIPALITY = ("kommun", "kommune", "kommunen", "kommunens", "kommunes", "kommuner", "kommunerne", "council")


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset:
    """Pronouns and function words of ``lang`` (stopwordsiso; English for a language it lacks), and "kommun…"."""
    import stopwordsiso

    words = set(stopwordsiso.stopwords(_STOPWORD_LANG.get(lang, "en")))
    if lang == "nn":
        words.update(_NN_EXTRA)
    return frozenset(words | set(_MUNICIPALITY))


@dataclass
class _Tone:
    """The tone measure's vocabulary of one language, as :mod:`kommunsocial.tone.features` matches it."""

    L: object | None  # the features module's compiled language (None: a language without tone resources)
    max_words: int  # words in the longest phrase
    term_starts: frozenset = frozenset()  # the first two words of each multi-word term
    marker_starts: frozenset = frozenset()  # … and of each multi-word marker

    def is_tone_word(self, word: str) -> bool:
        L = self.L
        return L is not None and (word in L.usable_markers or L.norm(word) in L.terms)


@lru_cache(maxsize=None)
def _tone(lang: str) -> _Tone:
    if lang not in resources.LANGS:
        return _Tone(None, 1)
    # the compiled rules of the tone index, so that the words removed here are exactly those it counts
    from ..tone.features import _language

    L = _language(lang)
    longest = max(len(t.split(" ")) for t in chain(L.terms, L.usable_markers))

    def starts(phrases):
        return frozenset(" ".join(p.split(" ")[:2]) for p in phrases if " " in p)

    return _Tone(L, longest, starts(L.terms), starts(L.usable_markers))


@dataclass
class Words:
    """The words of a list of texts: ``codes`` (into ``words``) of every kept word, text after text,
    ``lengths`` (kept words per text)."""

    lengths: np.ndarray
    codes: np.ndarray
    words: list

    def lists(self) -> list[list[str]]:
        """The kept words of each text, in order."""
        words = np.array(self.words, dtype=object)
        ends = np.cumsum(self.lengths)
        flat = words[self.codes].tolist() if len(self.codes) else []
        return [flat[e - n:e] for n, e in zip(self.lengths.tolist(), ends.tolist())]


def _phrase_spans(words: list, norms: list, codes: np.ndarray, text_of: np.ndarray, starts: np.ndarray,
                  ends: np.ndarray, tone: _Tone) -> np.ndarray:
    """Positions (into ``codes``) covered by a multi-word officialese term or marker, longest first."""
    from ..tone.features import _texts_with_pairs

    L = tone.L
    texts = np.union1d(_texts_with_pairs(norms, L.term_pairs, codes, text_of),
                       _texts_with_pairs(words, L.marker_pairs, codes, text_of))
    covered = np.zeros(len(codes), dtype=bool)
    terms, markers = L.terms, L.usable_markers
    for i in texts.tolist():
        a, b = int(starts[i]), int(ends[i])
        w = [words[c] for c in codes[a:b].tolist()]
        n = [norms[c] for c in codes[a:b].tolist()]
        at = 0
        while at < len(w) - 1:
            # a phrase can only start where two words begin one (most positions: one look-up each)
            if (n[at] + " " + n[at + 1] not in tone.term_starts
                    and w[at] + " " + w[at + 1] not in tone.marker_starts):
                at += 1
                continue
            for size in range(min(tone.max_words, len(w) - at), 1, -1):
                if " ".join(n[at:at + size]) in terms or " ".join(w[at:at + size]) in markers:
                    covered[a + at:a + at + size] = True
                    at += size
                    break
            else:
                at += 1
    return covered


def _words(texts: list, lang: str, *, content: bool) -> Words:
    """The words of each text of ``texts`` (str) in ``lang``: content words, or (``content=False``) every
    word of three or more letters that is no stop word."""
    low = [strip_noise(t).replace("’", "'").lower() for t in texts]
    found = [WORD.findall(t) for t in low]
    lengths = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
    codes, uniques = pd.factorize(np.array(list(chain.from_iterable(found)), dtype=object), sort=False)
    words = uniques.tolist()
    stop = stopwords(lang)
    keep = np.fromiter((sum(ch.isalpha() for ch in w) >= MIN_LETTERS and w not in stop for w in words),
                       dtype=bool, count=len(words))
    tone = _tone(lang) if content else None
    if tone is not None and tone.L is not None:
        keep &= ~np.fromiter(map(tone.is_tone_word, words), dtype=bool, count=len(words))
    kept = keep[codes] if len(codes) else np.zeros(0, dtype=bool)
    if tone is not None and tone.L is not None and len(codes):
        ends = np.cumsum(lengths)
        norms = [tone.L.norm(w) for w in words]
        kept &= ~_phrase_spans(words, norms, codes, np.repeat(np.arange(len(texts)), lengths), ends - lengths,
                               ends, tone)
    text_of = np.repeat(np.arange(len(texts)), lengths)
    return Words(np.bincount(text_of[kept], minlength=len(texts)).astype(np.int64), codes[kept].astype(np.int64),
                 words)


def _per_text(texts, lang: str, *, content: bool) -> tuple[Words, np.ndarray]:
    """:func:`_words` of the distinct texts of ``texts`` and each text's index among them (each is read once)."""
    values = ["" if not isinstance(t, str) else t for t in texts]
    inverse, distinct = pd.factorize(np.array(values, dtype=object), sort=False)
    return _words(distinct.tolist(), lang, content=content), inverse


def content_tokens(texts, lang: str) -> list[list[str]]:
    """The content words of each text of ``texts`` in ``lang`` (see the module), lower-cased, in order.

    Each distinct text is read once. Missing values count as empty texts. A language without tone
    resources (``fi``, ``other``) loses only its stop words and short words.
    """
    words, inverse = _per_text(texts, lang, content=True)
    lists = words.lists()
    return [lists[j] for j in inverse.tolist()]


def all_words(texts, lang: str) -> list[list[str]]:
    """Every word of three or more letters of each text that is no stop word: the words topics read
    before content words (``topics(..., method="nmf-all-words")``)."""
    words, inverse = _per_text(texts, lang, content=False)
    lists = words.lists()
    return [lists[j] for j in inverse.tolist()]


def content_words(text: str, lang: str) -> list[str]:
    """The content words of one ``text`` in ``lang``: see the module and :func:`content_tokens`."""
    return content_tokens([text], lang)[0]
