"""Languages of posts and comments: detection, the platform's own language codes, one vocabulary.

Every text gets one of :data:`LANG_CODES`: the languages a Nordic municipality's audience writes
and the index can tell apart (:data:`DETECTED`: sv, nb, nn, da, fi, en), ``other`` for any other
language (Portuguese, Arabic, German …: never forced into a Nordic one), and ``und`` for a text too
short to tell or without words.

>>> detect_language(["Vi har öppet hela sommaren och välkomnar alla besökare.",
...                  "As melhores coisas o dinheiro não compra!", "Hej!"]).tolist()
['sv', 'other', 'und']
>>> [normalise_language(c) for c in ("SV", "nob", "nb_NO", "no", "pt-BR", "qme", None)]
['sv', 'nb', 'nb', 'nb', 'other', 'und', 'und']
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import KommunsocialError

__all__ = ["DETECTED", "LANG_CODES", "OTHER", "UNDETERMINED", "LONG_TEXT", "OURS_SHARE", "FAST_MIN_CHARS",
           "FAST_MIN_PERCENT", "LanguageCodeError",
           "LanguageCodeWarning", "detect_language", "normalise_language", "normalise_languages", "combine_languages", "needs_detection",
           "not_scored_sentence", "too_short", "detection_confidence"]

#: The languages detection tells apart (ISO 639-1; Norwegian as Bokmål ``nb`` and Nynorsk ``nn``).
DETECTED = ("sv", "nb", "nn", "da", "fi", "en")
#: Any other language.
OTHER = "other"
#: Undetermined: too short to tell, no words, or a platform code that names no language.
UNDETERMINED = "und"
#: Every value of a ``lang`` column (the data model's categories).
LANG_CODES = (*DETECTED, OTHER, UNDETERMINED)


class LanguageCodeError(KommunsocialError, ValueError):
    """A value that is not a language code (``"12"``, ``"sv se"``, ``"svenska!"``)."""


class LanguageCodeWarning(KommunsocialError, UserWarning):
    """An export's language field holds a value that is not a language code: the text was detected."""


# -- codes --------------------------------------------------------------------------------------
#: ISO 639-2/3 codes (and the macrolanguage ``nor``/``no``) of the detected languages.
_ALIASES = {
    "swe": "sv", "nob": "nb", "nno": "nn", "nor": "nb", "no": "nb", "dan": "da", "fin": "fi", "eng": "en",
    # language names, as some spreadsheets write them
    "swedish": "sv", "svenska": "sv", "norwegian": "nb", "norsk": "nb", "bokmal": "nb", "bokmål": "nb",
    "nynorsk": "nn", "danish": "da", "dansk": "da", "finnish": "fi", "suomi": "fi", "english": "en",
}
#: Codes that name no language: ISO 639's undetermined / no linguistic content / multiple, and X's
#: own (``qme`` media only, ``qam`` mentions only, ``qht`` hashtags only, ``qct`` cashtags only,
#: ``qst`` very short, ``art`` emoji or other non-words).
_NO_LANGUAGE = {"und", "zxx", "mul", "mis", "qme", "qam", "qht", "qct", "qst", "art", "xx", "unknown", "none"}
#: A language tag: a 2–3 letter primary subtag, then region / script / variant subtags (BCP 47,
#: ``-`` or ``_``). Anything else is not a code.
_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*")


def normalise_language(code, *, errors: str = "raise") -> str:
    """One language code → a value of :data:`LANG_CODES`.

    Accepts ISO 639-1 and 639-2/3 codes in any case (``SV``, ``swe``, ``nob``, ``nno``, ``nor``),
    regional tags (``sv-SE``, ``nb_NO``) and the English or native names of the detected languages.
    ``no`` / ``nor`` (Norwegian without saying which written standard) is ``nb``: see
    :func:`combine_languages` for when a text's detected Nynorsk wins. A code of any other language
    (``pt``, ``de-DE``, ``ara``) is ``other``; a missing value, the empty string and the codes that
    name no language (``und``, ``zxx``, X's ``qme`` …) are ``und``.

    Parameters
    ----------
    code : str or None
    errors : "raise" or "und"
        What a value that is no language code at all gives: a :class:`LanguageCodeError`
        (default), or ``und``.

    >>> normalise_language("NB-no"), normalise_language("ESP"), normalise_language(float("nan"))
    ('nb', 'other', 'und')
    >>> normalise_language("12")
    Traceback (most recent call last):
    ...
    kommunsocial.language.LanguageCodeError: '12' is not a language code (ISO 639-1 or -3 such as 'sv', 'nob', 'nn-NO'); ...
    """
    if errors not in ("raise", "und"):
        raise ValueError(f"errors={errors!r}: choose 'raise' or 'und'")
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return UNDETERMINED
    if not isinstance(code, str):
        return _bad(code, errors)
    return _normalise_str(code.strip().lower(), errors)


@lru_cache(maxsize=4096)
def _normalise_str(key: str, errors: str) -> str:
    if not key:
        return UNDETERMINED
    if key in LANG_CODES:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    m = _TAG.fullmatch(key)
    if m is None:
        return _bad(key, errors)
    primary = m.group(1)
    if primary in _NO_LANGUAGE:
        return UNDETERMINED
    return primary if primary in DETECTED else _ALIASES.get(primary, OTHER)


def _bad(code, errors: str) -> str:
    if errors == "und":
        return UNDETERMINED
    raise LanguageCodeError(f"{code!r} is not a language code (ISO 639-1 or -3 such as 'sv', 'nob', 'nn-NO'); "
                            f"use one of {', '.join(LANG_CODES)} or a missing value")


def normalise_languages(codes, *, errors: str = "raise", what: str = "lang") -> pd.Series:
    """:func:`normalise_language` of each value (a Series keeps its index); each distinct value once.

    With ``errors="raise"`` the error names ``what`` and the first position of the bad value.
    """
    s = codes if isinstance(codes, pd.Series) else pd.Series(list(codes) if not isinstance(codes, str) else [codes],
                                                             dtype=object)
    values = s.astype(object).where(s.notna(), None)
    uniques = pd.unique(values.to_numpy(dtype=object))
    table = {}
    for u in uniques:
        try:
            table[u] = normalise_language(u, errors=errors)
        except LanguageCodeError as exc:
            pos = int(np.flatnonzero((values == u).to_numpy())[0])
            raise LanguageCodeError(f"{what}, position {pos}: {exc}") from None
    return pd.Series([table[v] for v in values.tolist()], index=s.index, dtype="string")


def combine_languages(platform, detected) -> tuple[pd.Series, pd.Series]:
    """Each text's language from the platform's own field where it names one, else the detected one.

    ``platform`` holds the export's codes as given (missing where the export has none); ``detected``
    what :func:`detect_language` found. A platform code of a language wins (the platform saw the
    whole post, and its models know every language); ``no`` / ``nor`` becomes ``nn`` when the text
    was detected as Nynorsk and ``nb`` otherwise; ``und`` and X's ``qme``, ``zxx``, ``art`` …
    leave the decision to detection. Values that are not language codes are treated as missing.

    Returns ``(lang, source)``: the language and ``"platform"`` or ``"detected"`` per text.

    >>> lang, source = combine_languages(["sv", "no", "no", "qme", None], ["da", "nn", "da", "en", "fi"])
    >>> lang.tolist(), source.tolist()
    (['sv', 'nn', 'nb', 'en', 'fi'], ['platform', 'platform', 'platform', 'detected', 'detected'])
    """
    det = pd.Series(detected).astype("string").fillna(UNDETERMINED).reset_index(drop=True)
    raw = pd.Series(platform, dtype=object).reset_index(drop=True)
    if len(raw) != len(det):
        raise ValueError(f"{len(raw)} platform codes for {len(det)} detected languages")
    given = normalise_languages(raw, errors="und")
    lang = given.where(~_norwegian(raw), det.where(det == "nn", "nb"))
    use = lang != UNDETERMINED
    lang = lang.where(use, det)
    source = pd.Series(np.where(use.to_numpy(), "platform", "detected"), dtype="string")
    return lang.astype("string"), source


def _norwegian(raw: pd.Series) -> pd.Series:
    """Whether each code says Norwegian without saying which written standard (``no``, ``nor``, ``no-NO``)."""
    return raw.map(lambda v: isinstance(v, str) and re.split(r"[-_]", v.strip().lower())[0] in ("no", "nor")
                   ).astype(bool)


def needs_detection(platform) -> np.ndarray:
    """Which platform codes leave the language to detection: none, ``und``-like, or Norwegian (``no``)."""
    raw = pd.Series(platform, dtype=object).reset_index(drop=True)
    raw = raw.where(raw.notna(), None)
    return ((normalise_languages(raw, errors="und") == UNDETERMINED) | _norwegian(raw)).to_numpy(dtype=bool)


# -- detection ----------------------------------------------------------------------------------
_STRIP_FOR_LANG = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\S+@\S+")
_LETTERS = re.compile(r"[^\W\d_]+")

#: Texts at least this long (after links, mentions and hashtags are removed) are detected with
#: lingua's low-accuracy mode (trigrams only), which its authors find as accurate as the full
#: models on texts over 120 characters, and which is several times faster.
LONG_TEXT = 120

#: A text that may be foreign stays with the six languages when lingua, comparing all its 75, gives
#: the six together at least this share of its confidence (short English texts would otherwise go
#: to Tagalog or Dutch in the trigram-only models).
OURS_SHARE = 0.25

_LINGUA_CODES = {"SWEDISH": "sv", "BOKMAL": "nb", "NYNORSK": "nn", "DANISH": "da", "FINNISH": "fi", "ENGLISH": "en"}
#: A letter the six languages do not write (besides é, ê, ü, ò, ô, š, ž): ã, ç, ñ, ß, ł, ş, ı, ð,
#: and every letter of another script (Arabic, Cyrillic, CJK …).
_FOREIGN_LETTER = re.compile(r"[^\W\d_a-zåäöæøéêüòôšž]", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_ANY_WORD = re.compile(r"[^\W\d_]+")
#: Languages whose function words, outnumbering the six languages' own, mark a text as maybe foreign.
_FOREIGN_STOPWORD_LANGS = ("af", "de", "es", "pt", "it", "nl", "pl", "tr", "so", "et", "fr", "ca", "gl", "ro",
                           "hu", "cs", "sk", "sl", "hr", "lt", "lv", "tl", "id", "ms", "sw", "ku", "vi")


#: Nynorsk function words that stopwords-iso's Norwegian (Bokmål) list lacks.
_NYNORSK_FUNCTION_WORDS = frozenset(
    "eg ho dei dykk me frå ikkje kva korleis kven kvar kvifor vert vart vorte berre òg eit ein noko nokon nokre "
    "mykje sjølv inga ingen kvarandre hjå utan medan sidan dykkar deira hennar desse meir då so "
    "ut opp inn heile eigen eige eigne mange fleire mellom gjennom vere vera vore hadde gjer gjorde".split())


@lru_cache(maxsize=1)
def _function_words() -> tuple[frozenset, frozenset, frozenset]:
    """(the six languages' function words, other languages' function words that none of the six has,
    Swedish, Norwegian and Danish function words that are not English ones).

    From ``stopwordsiso``; English as scikit-learn's list, since stopwords-iso's English list holds
    Portuguese and Spanish words (``que``, ``nos``) and would hide them. Words any of the six
    languages' lists has are never foreign.
    """
    import stopwordsiso
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    ours = set().union(*(stopwordsiso.stopwords(c) for c in ("sv", "no", "da", "fi"))) | _NYNORSK_FUNCTION_WORDS
    every_ours = ours | set(stopwordsiso.stopwords("en"))
    ours |= set(ENGLISH_STOP_WORDS)
    foreign = set().union(*(stopwordsiso.stopwords(c) for c in _FOREIGN_STOPWORD_LANGS)) - every_ours
    nordic = set().union(*(stopwordsiso.stopwords(c) for c in ("sv", "no", "da"))) | _NYNORSK_FUNCTION_WORDS
    return (frozenset(ours), frozenset(w for w in foreign if len(w) > 1),
            frozenset(nordic - set(ENGLISH_STOP_WORDS) - set(stopwordsiso.stopwords("en"))))


def _maybe_foreign(text: str, ours: frozenset, foreign: frozenset, words: set | None = None) -> bool:
    """Whether a text may be in a language other than the six: it has a letter they do not write;
    or at least one other language's function word for every two of theirs; or, in five words or
    more, fewer than one in ten of their function words (distinct words throughout). ``words``:
    the text's distinct lower-case words, when the caller has them already."""
    if _FOREIGN_LETTER.search(text):
        return True
    if words is None:
        words = set(_WORD.findall(text.lower()))
    n_ours = len(ours.intersection(words))  # counted in C: a loop over the words costs more
    n_foreign = len(foreign.intersection(words))
    return (n_foreign > 0 and 2 * n_foreign >= n_ours) or (len(words) >= 5 and 10 * n_ours < len(words))


def _without_foreign_names(text: str) -> str:
    """The text without capitalised words that hold a letter the six do not write (Łukasz, Gülşen):
    names in a Nordic text that would otherwise make it look foreign (lingua also takes such a
    letter as proof of the languages that write it)."""
    if not _FOREIGN_LETTER.search(text):
        return text
    def keep(m):
        w = m.group(0)
        name = len(w) > 1 and w[0].isupper() and w[1:].islower()
        return " " if name and _FOREIGN_LETTER.search(w) else w

    return _ANY_WORD.sub(keep, text)


# -- the fast path ----------------------------------------------------------------------------
#: Texts at least this long (after links, mentions and hashtags are removed) may be decided by the
#: fast path; shorter ones always go to lingua, whose n-gram models read short texts better.
FAST_MIN_CHARS = 40
#: The share of a text (%) CLD2 must give its top language, besides calling its answer reliable,
#: for the fast path to keep it.
FAST_MIN_PERCENT = 90

#: CLD2's codes of the six languages (it writes Bokmål as ``no``).
_CLD2_CODES = {"sv": "sv", "no": "nb", "nb": "nb", "nn": "nn", "da": "da", "fi": "fi", "en": "en"}

# Words of one of Danish, Bokmål and Nynorsk that another of them does not write (standard
# spellings of common words; names, and words with a second meaning there, left out). CLD2 tells
# Bokmål from Nynorsk well but takes some Danish for Bokmål: the fast path keeps CLD2's da, nb or
# nn only when the text holds a word of its own that the others do not write (Danish af, efter,
# nu, meget, vores …; Norwegian av, etter, nå, mye …; Nynorsk ikkje, eg, frå …) and none of theirs.
_DANISH_NOT_NORWEGIAN = frozenset(
    "af efter hvad nu meget bliver blev blive mellem vores jer jeres sig mig dig ud op igen tilbage nogle noget "
    "nogen sådan lidt aldrig hvornår havde gennem uden siger sagde fik gik næste næsten mod nej været købe "
    "gøre måske rigtig rigtigt børn regeringen spørgsmål hjælp hjælpe næppe fejl fejle sygehus gerne hedder køre "
    "spørge kende kender vej dejlig hej søge søger ansøgning uge ugen læs læse blevet gør sker imod igennem bag "
    "endnu".split())
_NORWEGIAN_NOT_DANISH = frozenset(  # Bokmål's (Nynorsk writes many of them too)
    "av etter hva nå mye blir ble mellom vår vårt våre dere seg meg deg ut opp igjen tilbake noen noe slik sånn "
    "litt aldri hadde gjennom uten sier fikk gikk takk neste nesten mot nei vært kjøpe gjøre kanskje riktig "
    "regjeringen spørsmål hjelp hjelpe uke neppe feil sykehus gjerne heter kjøre spørre kjenne vei deilig hei "
    "søke søker søknad uka uken les lese blitt gjør skjer imot bak ennå veldig innen fått gjeldende møte møtet "
    "barnehage barnehagen endringer gjelder gjøres klokka vann opplysninger kunngjøring søknader".split())
_BOKMAL_NOT_NYNORSK = frozenset(
    "ikke jeg hva fra noen noe hvordan hvorfor bare hun hvem hvor mer selv være komme kommer mye ble dere uten "
    "vært gjøre regjeringen innen gjeldende følgende klokken endringer tjenester tirsdag lørdag søndag mandag "
    "vann helt enig siden ligger".split())
_NYNORSK_NOT_BOKMAL = frozenset(  # nor Danish
    "ikkje eg frå kva korleis kvifor kven kvar berre noko nokon nokre mykje meir sjølv vere vera dei ho heile "
    "hjå medan sidan utan òg dykk dykkar deira hennar desse vorte gjer gjere kvarandre eigen eige eigne fleire "
    "inga noka kome kjem saman veke difor sjå gje kyrkje finst ligg einig heilt stengd innan fekk halde skule "
    "vegar verte følgjande tysdag laurdag sundag måndag vatn elles ikring tilbod tenester teneste dagar komande "
    "gong".split())
# Endings that tell them apart as well: Danish -tion where Norwegian writes -sjon; Nynorsk -leg,
# -ingar, -arane, -sjonar where Bokmål and Danish write -lig, -inger, -erne/-ene, -sjoner.
_DANISH_ENDINGS = r"\w+tion(?:en|er|erne)?"
_NORWEGIAN_ENDINGS = r"\w+sjon(?:en|er|ene)?"
_NYNORSK_ENDINGS = r"\w{3,}leg|\w+ingar|\w+ingane|\w+arane|\w+sjonar|\w+sjonane"
_NOT_NYNORSK_ENDINGS = r"\w{3,}lig|\w+inger|\w+ingene|\w+sjoner|\w+sjonene"


def _ending(pattern: str) -> re.Pattern:
    return re.compile(rf"\b(?:{pattern})\b")


#: For CLD2's da, nb and nn: (words one of which the text must hold, words it must not hold, and
#: endings of the one kind and of the other, matched on the text's distinct words joined by spaces).
_EVIDENCE = {
    "da": (_DANISH_NOT_NORWEGIAN, _NORWEGIAN_NOT_DANISH | _NYNORSK_NOT_BOKMAL,
           _ending(_DANISH_ENDINGS), _ending(f"{_NORWEGIAN_ENDINGS}|{_NYNORSK_ENDINGS}")),
    "nb": (_NORWEGIAN_NOT_DANISH, _DANISH_NOT_NORWEGIAN | _NYNORSK_NOT_BOKMAL,
           _ending(_NORWEGIAN_ENDINGS), _ending(f"{_DANISH_ENDINGS}|{_NYNORSK_ENDINGS}")),
    "nn": (_NYNORSK_NOT_BOKMAL, _DANISH_NOT_NORWEGIAN | _BOKMAL_NOT_NYNORSK,
           _ending(_NYNORSK_ENDINGS), _ending(f"{_DANISH_ENDINGS}|{_NOT_NYNORSK_ENDINGS}")),
}
#: English words no Scandinavian language writes: CLD2's en is kept when the text has one.
_ENGLISH_WORDS = frozenset("the and of is are was were you we they this that with has from which what".split())


def _fast_language(text: str, words: set, min_chars: int = FAST_MIN_CHARS) -> str | None:
    """The language of a long, clear text from CLD2 (compiled n-gram tables, far faster than lingua),
    or None to leave the text to lingua.

    Kept: CLD2's sv and fi; its en when the text has an English word and no Scandinavian function
    word; its da, nb or nn when the text holds a word or ending of that language the other two do
    not write and none of theirs (``_EVIDENCE``); and only answers CLD2 calls reliable and gives at
    least :data:`FAST_MIN_PERCENT` of the text. Every other text (short, mixed, unsure) goes to
    lingua as before. ``words``: the text's distinct lower-case words.
    """
    if len(text) < min_chars:
        return None
    try:
        reliable, _, details = _cld2().detect(text, isPlainText=True)
    except (ValueError, UnicodeError, _cld2().error):  # control characters, surrogates: lingua decides
        return None
    _, code, percent, _ = details[0]
    lang = _CLD2_CODES.get(code)
    if not reliable or lang is None or percent < FAST_MIN_PERCENT:
        return None
    if lang in ("sv", "fi"):
        return lang
    if lang == "en":  # CLD2 takes some Danish without æ, ø, å for English
        nordic = _function_words()[2]
        return lang if not words.isdisjoint(_ENGLISH_WORDS) and words.isdisjoint(nordic) else None
    own, others, own_ending, others_ending = _EVIDENCE[lang]
    if not words.isdisjoint(others):
        return None
    joined = " ".join(words)
    if others_ending.search(joined) or (words.isdisjoint(own) and not own_ending.search(joined)):
        return None
    return lang


@lru_cache(maxsize=1)
def _cld2():
    """pycld2 (Compact Language Detector 2): its tables are compiled into the wheel."""
    import pycld2

    return pycld2


@lru_cache(maxsize=1)
def fast_path_available() -> bool:
    """Whether pycld2 is installed. It is a dependency only where it has a wheel (Linux x86-64, macOS
    on Apple silicon, 64-bit Windows; CPython 3.11–3.13), so that no laptop needs a compiler; elsewhere
    lingua reads every text, with the same or slightly lower accuracy and about 3 × the time."""
    try:
        _cld2()
    except ImportError:
        return False
    return True


@lru_cache(maxsize=4)
def _detector(low_accuracy: bool = False, every_language: bool = False):
    """The six languages' detector, or (``every_language``) one that knows all 75 of lingua's."""
    from lingua import Language, LanguageDetectorBuilder

    if every_language:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        builder = LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in _LINGUA_CODES))
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def detect_language(texts, *, min_words: int = 3, min_letters: int = 12, long_text: int | None = LONG_TEXT,
                    fast: bool = True) -> pd.Series:
    """Language of each text: sv, nb, nn, da, fi, en, ``other`` or ``und``.

    Links, mentions and hashtags are ignored. A text with fewer than ``min_words`` words or
    ``min_letters`` letters is ``und`` (too short to tell). A text that may be in another language
    (a letter the six do not write, such as ã, ß, ł, ş or any letter of another script, names
    aside; other languages' function words at least half as many as the six languages' own; or
    hardly any of theirs) is compared with all 75 languages lingua knows, and is ``other`` unless
    the six together get at least :data:`OURS_SHARE` of lingua's confidence; every other text is
    detected among the six alone, which is several times faster. The n-gram models ship inside
    lingua's wheel.

    With ``fast`` (the default), a text of at least :data:`FAST_MIN_CHARS` characters that is not
    maybe foreign is first read by CLD2, many times faster than lingua, and its answer kept where
    the text's own words bear it out (:func:`_fast_language`); lingua reads the rest. On the
    written and real development sets this is as accurate per language as lingua alone, or more
    (``benchmarks/language_quality.py``). ``fast=False`` reads every text with lingua.

    Texts of at least ``long_text`` characters use lingua's low-accuracy mode (on the development
    set and the sample it was as accurate as the full models: see ``benchmarks/results.md``);
    ``None`` uses the full models for every text. Bokmål and Danish are close in short texts:
    check a page's language mix before relying on the split. Each distinct text is detected once.
    """
    s = pd.Series(texts).astype("string").fillna("")
    strip = _STRIP_FOR_LANG.sub
    # plain lists: pandas' string methods cost more than the matching here
    stripped = [strip(" ", t) if ("/" in t or "@" in t or "#" in t or "www." in t) else t for t in s.tolist()]
    enough = np.fromiter((_enough_words(t, min_words, min_letters) for t in stripped), dtype=bool,
                         count=len(stripped))
    out = np.full(len(s), UNDETERMINED, dtype=object)
    idx = np.flatnonzero(enough)
    if len(idx):
        candidates = [stripped[i] for i in idx]
        unique = list(dict.fromkeys(candidates))
        ours, foreign, _ = _function_words()
        plain = {t: _without_foreign_names(t) for t in unique}
        words = {t: set(_WORD.findall(plain[t].lower())) for t in unique}
        # a text that may be foreign is first placed among every language lingua knows (trigrams
        # only: the full models of 75 languages take a gigabyte); one that stays with the six
        # (OURS_SHARE) then goes the way of every other text, so the six are told apart as before
        wide = [t for t in unique if _maybe_foreign(plain[t], ours, foreign, words[t])]
        codes = {}
        if wide:
            found = _detector(True, True).compute_language_confidence_values_in_parallel([plain[t] for t in wide])
            for t, values in zip(wide, found):
                ours_share = sum(v.value for v in values if v.language.name in _LINGUA_CODES)
                if not any(v.value > 0 for v in values):  # lingua cannot tell
                    codes[t] = UNDETERMINED
                elif ours_share < OURS_SHARE:
                    codes[t] = OTHER
        rest = [t for t in unique if t not in codes]
        if fast and fast_path_available():  # long clear texts at once (CLD2); lingua for the rest
            wide_set = set(wide)
            for t in rest:
                if t not in wide_set:
                    found = _fast_language(plain[t], words[t])
                    if found is not None:
                        codes[t] = found
            rest = [t for t in rest if t not in codes]
        long = [long_text is not None and len(t) >= long_text for t in rest]
        for low_accuracy in (False, True):
            part = [t for t, is_long in zip(rest, long) if is_long == low_accuracy]
            if part:
                found = _detector(low_accuracy).detect_languages_in_parallel_of([plain[t] for t in part])
                codes.update({t: (_LINGUA_CODES[lang.name] if lang is not None else UNDETERMINED)
                              for t, lang in zip(part, found)})
        out[idx] = [codes[t] for t in candidates]
    return pd.Series(out, index=s.index, dtype="string")


def too_short(texts, *, min_words: int = 3, min_letters: int = 12) -> np.ndarray:
    """Whether each text is too short to tell its language, as :func:`detect_language` decides it
    (links, mentions and hashtags not counted): such a text is ``und``.

    >>> too_short(["Hej!", "Vi har öppet hela sommaren.", "https://x.se #kul @a b"]).tolist()
    [True, False, True]
    """
    s = pd.Series(texts).astype("string").fillna("").tolist()
    return np.array([not _enough_words(_STRIP_FOR_LANG.sub(" ", t), min_words, min_letters) for t in s], dtype=bool)


def detection_confidence(texts, langs) -> pd.DataFrame:
    """How sure detection is of each text's language ``langs``: lingua's confidence (0–1, the six
    languages' values sum to 1) in that language, and the other language it found most likely.

    ``confidence`` is missing for a text too short to tell (:func:`too_short`) and for a language
    that is not one of :data:`DETECTED`. A low value means the text reads almost as well as
    another language: Bokmål and Nynorsk, or Bokmål and Danish, in short texts.

    Returns
    -------
    DataFrame with ``confidence`` (float) and ``runner_up`` (a code of :data:`DETECTED`), on the
    index of ``texts``.
    """
    texts = pd.Series(texts).astype("string").fillna("")
    langs = pd.Series(np.asarray(langs, dtype=object), index=texts.index).astype("string")
    out = pd.DataFrame({"confidence": np.nan, "runner_up": pd.Series(pd.NA, index=texts.index, dtype="string")},
                       index=texts.index)
    ok = langs.isin(DETECTED).fillna(False).to_numpy() & ~too_short(texts)
    if not ok.any():
        return out
    plain = [_STRIP_FOR_LANG.sub(" ", t) for t in texts[ok].tolist()]
    values = _detector(False).compute_language_confidence_values_in_parallel(plain)
    conf, runner = [], []
    for lang, found in zip(langs[ok].tolist(), values):
        by_code = {_LINGUA_CODES[v.language.name]: v.value for v in found}
        conf.append(by_code.get(lang, 0.0))
        others = sorted(((v, c) for c, v in by_code.items() if c != lang), reverse=True)
        runner.append(others[0][1] if others else pd.NA)
    out.loc[ok, "confidence"] = conf
    out.loc[ok, "runner_up"] = runner
    return out


def _enough_words(text: str, min_words: int, min_letters: int) -> bool:
    """At least ``min_words`` runs of letters with ``min_letters`` letters in all (stops early)."""
    words = letters = 0
    for m in _LETTERS.finditer(text):
        words += 1
        letters += m.end() - m.start()
        if words >= min_words and letters >= min_letters:
            return True
    return False


# -- words ---------------------------------------------------------------------------------------
_NAMES = {"sv": "Swedish", "nb": "Norwegian Bokmål", "nn": "Norwegian Nynorsk", "da": "Danish", "fi": "Finnish",
          "en": "English", OTHER: "other languages", UNDETERMINED: "an undetermined language"}


def not_scored_sentence(counts, scored, *, verb=("was not scored", "were not scored")) -> str:
    """A sentence on posts in languages tone has no resources for; "" when ``counts`` has none.

    ``counts`` maps language code → number of posts; ``scored`` the languages that are scored;
    ``verb`` the verb for one post and for more (or one for both).

    >>> not_scored_sentence({"other": 12, "fi": 3}, ("sv", "nb", "nn", "da", "en"))
    '12 posts in other languages and 3 in Finnish were not scored: the index has resources for sv, nb, nn, da and en.'
    >>> not_scored_sentence({"other": 1}, ("sv",))
    '1 post in other languages was not scored: the index has resources for sv.'
    >>> not_scored_sentence({"fi": 2}, ("sv", "en"), verb="will not be scored by the tone report")
    '2 posts in Finnish will not be scored by the tone report: the index has resources for sv and en.'
    """
    items = [(code, int(n)) for code, n in sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
             if int(n) > 0]
    if not items:
        return ""
    parts = []
    for i, (code, n) in enumerate(items):
        noun = ("post" if n == 1 else "posts") + " " if i == 0 else ""
        parts.append(f"{n:,} {noun}in {_NAMES.get(code, code)}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    have = list(scored)
    have = have[0] if len(have) == 1 else ", ".join(have[:-1]) + " and " + have[-1]
    singular, plural = (verb, verb) if isinstance(verb, str) else verb
    return f"{listed} {singular if sum(n for _, n in items) == 1 else plural}: the index has resources for {have}."
