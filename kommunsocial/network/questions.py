"""Question detection in citizens' comments (Swedish, Norwegian Bokmål and Nynorsk, Danish, English)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["is_question", "INTERROGATIVES", "QUESTION_VERBS", "SUBJECTS"]

#: Question words that open a question (wh-words): a sentence beginning with one is a question.
INTERROGATIVES = {
    "sv": {"hur", "vad", "när", "varför", "vem", "vems", "vilken", "vilket", "vilka", "vart", "varifrån",
           "varthän"},
    "nb": {"hvordan", "hva", "når", "hvorfor", "hvem", "hvis", "hvilken", "hvilket", "hvilke", "hvor", "hvorhen"},
    "nn": {"korleis", "kva", "når", "kvifor", "kven", "kvar", "kor", "kvifor", "kvi", "kvaslags"},
    "da": {"hvordan", "hvad", "hvornår", "hvorfor", "hvem", "hvilken", "hvilket", "hvilke", "hvor", "hvorhen"},
    "en": {"how", "what", "when", "why", "who", "whom", "whose", "which", "where"},
}
# "hvis" is "whose" in Bokmål but also "if"; it opens conditionals far more often than questions
INTERROGATIVES["nb"].discard("hvis")

#: Finite verbs that open a yes/no question when the subject follows them ("Kan man …", "Finns det …").
QUESTION_VERBS = {
    "sv": {"kan", "får", "finns", "är", "ska", "skall", "har", "blir", "gäller", "går", "behöver", "måste",
           "vet", "kommer", "hade", "var", "borde", "skulle", "kunde", "fick", "brukar", "stämmer", "gör",
           "tänker", "planerar", "öppnar"},
    "nb": {"kan", "får", "finnes", "fins", "er", "skal", "har", "blir", "gjelder", "går", "trenger", "må",
           "vet", "kommer", "hadde", "var", "burde", "skulle", "kunne", "fikk", "stemmer", "gjør", "åpner"},
    "nn": {"kan", "får", "finst", "er", "skal", "har", "blir", "vert", "gjeld", "går", "treng", "må", "veit",
           "kjem", "hadde", "var", "burde", "skulle", "kunne", "fekk", "stemmer", "gjer", "opnar"},
    "da": {"kan", "får", "findes", "er", "skal", "har", "bliver", "blir", "gælder", "går", "behøver", "må",
           "ved", "kommer", "havde", "var", "burde", "skulle", "kunne", "fik", "passer", "gør", "åbner"},
    "en": {"can", "could", "is", "are", "was", "were", "do", "does", "did", "will", "would", "should", "may",
           "might", "has", "have", "had", "must", "shall"},
}

#: Subjects that follow the verb in a yes/no question (pronouns and the municipality itself).
SUBJECTS = {
    "sv": {"jag", "du", "ni", "vi", "man", "han", "hon", "den", "det", "de", "dom", "någon", "nån", "kommunen",
           "ingen", "alla", "bussen", "skolan"},
    "nb": {"jeg", "du", "dere", "vi", "man", "en", "han", "hun", "den", "det", "de", "noen", "kommunen",
           "ingen", "alle", "bussen", "skolen"},
    "nn": {"eg", "du", "de", "dykk", "vi", "me", "ein", "han", "ho", "den", "det", "dei", "nokon", "kommunen",
           "ingen", "alle", "bussen", "skulen"},
    "da": {"jeg", "du", "i", "vi", "man", "en", "han", "hun", "den", "det", "der", "de", "nogen", "kommunen", "ingen",
           "alle", "bussen", "skolen"},
    "en": {"i", "you", "we", "they", "he", "she", "it", "there", "anyone", "anybody", "someone", "somebody",
           "the", "this", "that", "everyone"},
}
_ALL = "all"
for _table in (INTERROGATIVES, QUESTION_VERBS, SUBJECTS):
    _table[_ALL] = set().union(*_table.values())
LANGS = ("sv", "nb", "nn", "da", "en")

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?:^|\s)@\w+")
# sentence boundaries (as a character class): end punctuation, line breaks, and emoji/symbol runs
# people end sentences with
_BOUNDARY = "\\.!?…:;\\n\\r\\u2600-\\u27bf\\U0001f000-\\U0001faff"

# The rules as one regular expression per language, searched in the whole case-folded text (case
# folding maps no character to or from a boundary). A sentence starts at the beginning or after a
# boundary; a word is a run of letters, joined by - ' or ’ ([^\W\d_]+(?:[-'’][^\W\d_]+)*, read
# greedily); a sentence's first word is its first run of letters, its second word the next one. The
# letters exclude the boundaries, a few of which (the dingbat digits ❶…) would otherwise count.
_LETTER = f"[^\\W\\d_{_BOUNDARY}]"
_GAP = f"(?:(?![{_BOUNDARY}])[\\W\\d_])*"  # neither a letter nor a boundary
_END = f"(?!{_LETTER}|[-'’]{_LETTER})"  # the word ends here: the greedy word pattern stops


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words))


def _opener(lang: str) -> re.Pattern:
    """Sentence start, then an interrogative, or a question verb and its subject (whole words)."""
    return re.compile(f"(?:^|(?<=[{_BOUNDARY}])){_GAP}"
                      f"(?:(?:{_alternatives(INTERROGATIVES[lang])}){_END}"
                      f"|(?:{_alternatives(QUESTION_VERBS[lang])}){_END}{_GAP}"
                      f"(?:{_alternatives(SUBJECTS[lang])}){_END})")


_OPENERS = {lang: _opener(lang) for lang in (*LANGS, _ALL)}
_BATCH = 65536


def _one(text, key: str) -> bool:
    if not isinstance(text, str) or not text:
        return False
    text = _MENTION.sub(" ", _URL.sub(" ", text))  # "?" in a link's query string is not a question
    if "?" in text:
        return True
    return _OPENERS[key].search(text.casefold()) is not None


def _objects(values) -> np.ndarray:
    """``values`` as a 1-d array, one element per value (even a value that is itself a list)."""
    if isinstance(values, (np.ndarray, pd.api.extensions.ExtensionArray)) and values.ndim == 1:
        return values
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _codes(values):
    """``pd.factorize(values)``; values it cannot hash (never strings) count as missing."""
    try:
        return pd.factorize(values)
    except TypeError:
        return pd.factorize(_objects([v if isinstance(v, str) else None for v in values]))


def is_question(texts, lang=None) -> pd.Series:
    """Whether each text asks a question.

    Parameters
    ----------
    texts : sequence of str (a Series keeps its index)
    lang : str, sequence of str, or None
        ``"sv"``, ``"nb"``, ``"nn"``, ``"da"`` or ``"en"`` for every text, or one code per text. ``None``,
        ``"und"``, a missing value or another language uses the word lists of all five languages.

    Returns
    -------
    Series of bool, index of ``texts``.

    Notes
    -----
    A text is a question when, after links and @mentions are removed (a "?" in a URL's query string
    asks nothing),

    1. it contains a question mark, or
    2. a sentence in it opens with an interrogative word (:data:`INTERROGATIVES`: sv *hur, vad, när,
       varför, vem, vilken*; nb *hvordan, hva, når, hvorfor, hvem*; nn *korleis, kva, kvifor, kven,
       kvar*; da *hvad, hvornår, hvorfor, hvem*; en *how, what, when, why, who, which*), or
    3. a sentence opens with a finite verb followed by its subject (:data:`QUESTION_VERBS` then
       :data:`SUBJECTS`: "Kan man …", "Finns det …", "Får eg …", "Is there …") — the verb-first word
       order of a Scandinavian or English yes/no question (Holmes & Hinchliffe, *Swedish: A
       Comprehensive Grammar*, 2013, §12; Faarlund et al., *Norsk referansegrammatikk*, 1997).
       Requiring the subject keeps out imperatives ("Ring växeln") and subjectless declaratives
       ("Kan tänka mig det").

    Sentences are split at ``. ! ? … : ;``, line breaks and emoji. Known misses: questions written
    as statements without "?" ("Undrar om simhallen är öppen"); known false alarms: rhetorical
    questions, conditional clauses in verb-first order ("Har du frågor, ring oss") and statements
    opened by a subordinate clause with an interrogative conjunction ("När ni plogar, tänk på …").
    Swedish "var" (where / was / each) is used only in verb-first rule 3, never as an opener on
    its own.

    Examples
    --------
    >>> is_question(["När öppnar simhallen", "Tack för infon!", "Kan man parkera där",
    ...              "Läs mer på https://x.se/?id=3", "Korleis søkjer eg"]).tolist()
    [True, False, True, False, True]
    """
    index = texts.index if isinstance(texts, pd.Series) else None
    values = _objects(texts.array if isinstance(texts, pd.Series) else texts)
    n = len(values)
    keys = list(_OPENERS)  # the language codes and "all"
    if isinstance(lang, str) or lang is None:
        key_codes = np.full(n, keys.index(lang if lang in LANGS else _ALL), dtype=np.int64)
    else:
        langs = _objects(lang.array if isinstance(lang, pd.Series) else lang)
        if len(langs) != n:
            raise ValueError(f"lang has {len(langs)} values for {n} texts; pass one language code "
                             f"or one per text")
        codes, seen = _codes(langs)
        lookup = [keys.index(code if isinstance(code, str) and code in LANGS else _ALL) for code in seen]
        key_codes = np.array(lookup + [keys.index(_ALL)], dtype=np.int64)[codes]  # missing (-1): all
    # each distinct pair of text and language is read once
    text_codes, seen = _codes(values)  # missing: -1
    pair_codes, pairs = pd.factorize(text_codes.astype(np.int64) * len(keys) + key_codes)
    text_of, key_of = np.divmod(pairs, len(keys))
    answers = np.zeros(len(pairs), dtype=bool)
    for lo in range(0, len(pairs) if len(seen) else 0, _BATCH):  # as Python strings a batch at a time
        batch = slice(lo, lo + _BATCH)
        texts = np.asarray(seen.take(np.maximum(text_of[batch], 0)), dtype=object).tolist()
        answers[batch] = [t >= 0 and _one(text, keys[k])
                          for text, t, k in zip(texts, text_of[batch].tolist(), key_of[batch].tolist())]
    return pd.Series(answers[pair_codes], index=index, name="is_question")
