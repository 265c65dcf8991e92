"""Text and time normalisation, deduplication and text features (languages: :mod:`kommunsocial.language`)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import emoji
import ftfy
import numpy as np
import pandas as pd

__all__ = [
    "repair_mojibake",
    "repair_latin1_mojibake",
    "normalise_text",
    "clean_texts",
    "detect_language",
    "text_features",
    "drop_exact_duplicates",
]

# Characters that UTF-8 shows as when it was decoded as latin-1 / cp1252: a lead byte (Ã Â â ð Ä Å …)
# followed by a continuation byte shown as a latin-1 symbol or a cp1252 punctuation mark.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00df\u00e0-\u00ef\u00f0-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|[\u0080-\u009f]"
)
_FTFY_CONFIG = ftfy.TextFixerConfig(unescape_html=False, fix_latin_ligatures=False, fix_character_width=False,
                                    uncurl_quotes=False, fix_line_breaks=True, normalization="NFC", explain=False)


def repair_latin1_mojibake(text: str) -> str:
    """Undo the exact damage of UTF-8 bytes decoded as latin-1 (Facebook's "Download your information").

    The repair is exact and reversible: it applies only when the whole string re-encodes to latin-1
    and that decodes as UTF-8; any other text is returned unchanged.

    >>> repair_latin1_mojibake("Sj\\u00c3\\u00b6viks kommun")
    'Sjöviks kommun'
    >>> repair_latin1_mojibake("Sjöviks kommun")
    'Sjöviks kommun'
    """
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def repair_mojibake(text: str) -> str:
    """Repair mojibake in one text: the exact latin-1 repair when it applies, else ftfy's heuristics.

    Text that shows no sign of mis-decoding is returned untouched (and quickly).

    >>> repair_mojibake("G\\u00c3\\u00a5 till sj\\u00c3\\u00b6n \\u00e2\\u0080\\u0093 nu!")
    'Gå till sjön – nu!'
    """
    if not _MOJIBAKE_HINT.search(text):
        return text
    exact = repair_latin1_mojibake(text)
    if exact != text:
        return exact
    return ftfy.fix_text(text, _FTFY_CONFIG)


_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_LINE_EDGES = re.compile(r" *\n *")


# anything the substitutions below would change (a text without it, already in NFC, only needs
# its ends stripped): carriage returns, invisible characters, spaces other than one plain space,
# two spaces, spaces at a line break, three line breaks
_NEEDS_NORMALISING = re.compile("[\r\u200b\u200c\u200e\u200f\u2060\ufeff\u00ad\t\u00a0\u2000-\u200a\u202f\u205f"
                                "\u3000]|  | \n|\n |\n\n\n")


def normalise_text(text: str) -> str:
    """Unicode NFC, unified newlines, runs of spaces folded, invisible characters removed.

    Emoji stay intact: the zero-width joiner and variation selectors that build them are kept.

    >>> normalise_text("  Hej\\u00a0 alla!\\r\\n\\r\\n\\r\\nVälkomna 👩\\u200d👩\\u200d👧 ")
    'Hej alla!\\n\\nVälkomna 👩\\u200d👩\\u200d👧'
    """
    if not _NEEDS_NORMALISING.search(text) and unicodedata.is_normalized("NFC", text):
        return text.strip()
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _LINE_EDGES.sub("\n", text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def clean_texts(texts: pd.Series) -> pd.Series:
    """Repair mojibake and normalise every text; missing text becomes the empty string."""
    s = texts.astype("string").fillna("")
    return pd.Series([normalise_text(repair_mojibake(t)) for t in s.tolist()], index=s.index, dtype="string")


# -- language: kommunsocial.language (detect_language stays importable from here) -----------------
from .language import LONG_TEXT, detect_language  # noqa: E402,F401


# -- features ----------------------------------------------------------------------------------
_URL = re.compile(r"https?://[^\s<>\"]+|www\.[^\s<>\"]+", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w&/])#(\w*[^\W\d_]\w*)")
_MENTION = re.compile(r"(?<![\w.])@(\w{2,})")
_MAYBE_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2bff\u3030\u303d\u3297\u3299"
                          "\U0001f000-\U0001faff]")


@lru_cache(maxsize=1)
def _emoji_runs() -> re.Pattern:
    """Runs of characters that occur in some emoji sequence (plus the zero-width joiner)."""
    points = sorted({ord(c) for e in emoji.EMOJI_DATA for c in e} | {0x200D})
    ranges, start = [], points[0]
    for prev, point in zip(points, points[1:] + [None]):
        if point != prev + 1:  # a class of ranges, not 1,400 single characters: much faster to match
            ranges.append(re.escape(chr(start)) + ("" if prev == start else "-" + re.escape(chr(prev))))
            start = point
    return re.compile("[" + "".join(ranges) + "]+")


def _emoji_count(text: str) -> int:
    """emoji.emoji_count (a ZWJ sequence or a skin-toned emoji counts once), run by run.

    No emoji match can span a character that occurs in no emoji sequence, so counting each run of
    emoji characters apart gives emoji_count's total without walking the whole text in Python.
    """
    if not _MAYBE_EMOJI.search(text):
        return 0
    return sum(emoji.emoji_count(run) for run in _emoji_runs().findall(text))


def text_features(texts) -> pd.DataFrame:
    """Counts of links, hashtags, mentions and emoji per text, and the hashtags themselves.

    ``hashtags`` is the lower-cased tags without ``#``, space-separated, in order of appearance.
    An emoji with a skin tone or a zero-width-joiner sequence (👩‍👩‍👧) counts once.

    >>> text_features(["Se www.sjovik.se #Snö #snöröjning 👍🏽 @sjovik", ""]).iloc[0].to_dict()
    {'n_urls': 1, 'n_hashtags': 2, 'n_mentions': 1, 'n_emoji': 1, 'hashtags': 'snö snöröjning'}
    """
    s = pd.Series(texts).astype("string").fillna("")
    # plain lists, and each pattern tried only on texts holding the character it needs: pandas'
    # string methods cost more than the matching here
    values = s.tolist()
    n = len(values)
    n_urls, n_hashtags, n_mentions = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    hashtags = [""] * n
    find_urls, strip_urls = _URL.findall, _URL.sub
    find_tags, find_mentions = _HASHTAG.findall, _MENTION.findall
    for i, text in enumerate(values):
        if "/" in text or "www" in text.lower():
            n_urls[i] = len(find_urls(text))
            if n_urls[i]:
                text = strip_urls(" ", text)
        if "#" in text:
            tags = find_tags(text)
            n_hashtags[i] = len(tags)
            hashtags[i] = " ".join(x.lower() for x in tags)
        if "@" in text:
            n_mentions[i] = len(find_mentions(text))
    return pd.DataFrame({
        "n_urls": pd.array(n_urls, dtype="Int64"),
        "n_hashtags": pd.array(n_hashtags, dtype="Int64"),
        "n_mentions": pd.array(n_mentions, dtype="Int64"),
        "n_emoji": pd.array([_emoji_count(t) for t in values], dtype="Int64"),
        "hashtags": pd.array(hashtags, dtype="string"),
    }, index=s.index)


def drop_exact_duplicates(frame: pd.DataFrame, *, ignore=("source_file", "source_row", "source_format")):
    """Drop records that repeat another record exactly (apart from where they were read from).

    Returns ``(kept, n_dropped)``; the first occurrence is kept.
    """
    cols = [c for c in frame.columns if c not in ignore]
    if not len(frame) or not cols:
        return frame, 0
    # rows hashed first; only rows whose hash repeats are compared value by value (as text)
    hashes = pd.util.hash_pandas_object(frame[cols], index=False)
    maybe = hashes.duplicated(keep=False).to_numpy()
    dup = np.zeros(len(frame), dtype=bool)
    if maybe.any():
        dup[maybe] = frame.loc[maybe, cols].astype("string").duplicated(keep="first").to_numpy()
    return frame.loc[~dup].reset_index(drop=True), int(dup.sum())
