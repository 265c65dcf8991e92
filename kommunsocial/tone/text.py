"""What the tone measures read of a post: the words its author wrote.

Links (with or without ``https://`` or ``www.``), e-mail addresses, @mentions, hashtags and the
privacy masks (``[person]``, ``[e-mail]`` …) are not the author's prose: they are removed before
any feature is counted, so a ``?`` in a link's query string is not a question and
``example-kommun.se/protokoll`` is not three words. HTML entities (``&amp;``, ``&quot;``,
``&#8217;``), which exports leave escaped, are read as the characters they stand for. A text with
no word left (empty, a bare link, only hashtags, mentions or emoji, only numbers) is
*content-free*: it has nothing to score.

>>> strip_noise("Läs mer: example-kommun.se/protokoll?utm_source=fb&amp;fbclid=x. Frågor? @kommunen #kf")
'Läs mer:  . Frågor?    '
>>> has_words(["Hej!", "", "https://example.org/a?x=1", "#snö @kommunen", "🙂", "10:00", "[person]"]).tolist()
[True, False, False, False, False, False, False]
"""

from __future__ import annotations

import html
import re

import numpy as np

from ..privacy import MASKS

__all__ = ["WORD", "TLDS", "strip_noise", "has_words"]

#: A word: a run of letters, with inner apostrophes or hyphens (numbers are not words).
WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")

#: Top-level domains a link written without ``https://`` or ``www.`` is recognised by, lower case
#: only (``Slut.Se`` is a missing space, not a link). Chosen to leave out those that are common
#: words after a missing space (``in``, ``to``, ``at``, ``it``, ``am``, ``pm``, ``nu``).
TLDS = ("se", "no", "dk", "fi", "is", "ax", "fo", "gl", "ee", "de", "nl", "be", "fr", "uk", "eu", "io",
        "com", "org", "net", "gov", "edu", "int", "info", "biz", "app", "dev", "me", "tv", "co", "ly", "gd", "us")

# a link or address never ends in the sentence's punctuation: "se kommun.se/kf." keeps its full stop
_END = r"[^\s.,;:!?)\]}'\"»”’]"
_LABEL = r"[^\W_](?:[\w\-]*[^\W_])?"  # a domain label: letters, digits and inner hyphens
_TLD = "(?-i:" + "|".join(TLDS) + ")"
# Four patterns, each run only on texts that can hold a match (one pattern with every branch reads
# each text character by character and is ten times slower): links with a scheme or www. first
# (they may hold @ and #), then masks, e-mail addresses, mentions and hashtags, then bare domains.
_SCHEME = re.compile(rf"https?://\S*{_END}|https?://|www\.\S*{_END}", re.IGNORECASE)
_AT_HASH = re.compile(r"@?(?:" + "|".join(re.escape(m) for m in MASKS.values()) + ")"
                      rf"|[\w.+\-]+@{_LABEL}(?:\.{_LABEL})+|(?<![\w@])@\w+|(?<![\w#])#\w+", re.IGNORECASE)
_TLD_HINT = re.compile(rf"\.{_TLD}(?![\w\-])")
_DOMAIN = re.compile(rf"(?<![\w@./\-])(?:{_LABEL}\.)+{_TLD}(?![\w\-])(?:[/?#]\S*{_END}|/)?", re.IGNORECASE)
# an entity with its semicolon: named (&amp; &quot;) or numeric (&#39; &#x27;); "&para" without one
# is left alone (html.unescape would read "&paragraph" as "¶graph")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape(match: re.Match) -> str:
    return html.unescape(match.group(0))


def strip_noise(text: str) -> str:
    """``text`` with entities read and links, e-mail addresses, mentions, hashtags and masks blanked.

    Each removed stretch becomes one space, so the words on either side stay apart.
    """
    if "&" in text and ";" in text:
        # twice: exports that escaped an escaped text ("&amp;amp;") are common enough
        text = _ENTITY.sub(_unescape, _ENTITY.sub(_unescape, text))
    if "://" in text or "www." in text or "WWW." in text:
        text = _SCHEME.sub(" ", text)
    if "@" in text or "#" in text or "[" in text:
        text = _AT_HASH.sub(" ", text)
    if "." in text and _TLD_HINT.search(text):
        text = _DOMAIN.sub(" ", text)
    return text


def has_words(texts) -> np.ndarray:
    """Whether each text has a word once :func:`strip_noise` has run: ``False`` for content-free ones.

    ``texts`` is a sequence of str (``None`` and other missing values count as empty). This is
    the one definition of a text the tone measures can score: :func:`kommunsocial.tone.score`
    gives the others no formality and tone ``und``; :func:`kommunsocial.tone.add_tone` none.
    """
    search = WORD.search
    return np.fromiter((isinstance(t, str) and search(strip_noise(t)) is not None for t in texts),
                       dtype=bool, count=len(texts))
