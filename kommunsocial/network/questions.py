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
# sentence boundaries: end punctuation, line breaks, and emoji/symbol runs people end sentences with
_SENTENCE = re.compile(r"[.!?…:;\n\r]+|[\u2600-\u27bf\U0001f000-\U0001faff]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _opens_question(sentence: str, lang: str) -> bool:
    words = _WORD.findall(sentence.casefold())
    if not words:
        return False
    if words[0] in INTERROGATIVES[lang]:
        return True
    return len(words) > 1 and words[0] in QUESTION_VERBS[lang] and words[1] in SUBJECTS[lang]


def _one(text, lang) -> bool:
    if not isinstance(text, str) or not text:
        return False
    text = _MENTION.sub(" ", _URL.sub(" ", text))  # "?" in a link's query string is not a question
    if "?" in text:
        return True
    return any(_opens_question(s, lang) for s in _SENTENCE.split(text))


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
    values = list(texts)
    if isinstance(lang, str) or lang is None:
        langs = [lang] * len(values)
    else:
        langs = list(lang)
        if len(langs) != len(values):
            raise ValueError(f"lang has {len(langs)} values for {len(values)} texts; pass one language code "
                             f"or one per text")
    keys = [code if isinstance(code, str) and code in LANGS else _ALL for code in langs]
    result = np.fromiter((_one(t, k) for t, k in zip(values, keys)), dtype=bool, count=len(values))
    return pd.Series(result, index=index, name="is_question")
