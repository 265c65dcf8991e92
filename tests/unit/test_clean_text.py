"""Text cleaning, language pre-checks, counted features and the page's own comments, by hand."""

import pandas as pd
import pytest

from kommunsocial import clean, language, privacy


@pytest.mark.parametrize("raw,expected", [
    ("a\r\nb", "a\nb"),                   # Windows line ends
    ("A\u030a", "\u00c5"),                # NFC: A + combining ring is one letter
    ("x\u00a0y\u2003z", "x y z"),         # no-break and em spaces are spaces
    ("a\u200bb", "ab"), ("x\u00adz", "xz"), ("\ufeffhej", "hej"),  # invisible characters go
    ("a \n b", "a\nb"),                   # spaces around a line break
    ("a\n\n\n\nb", "a\n\nb"),             # at most one empty line
    ("rad \n\n  \n rad", "rad\n\nrad"),
    ("  a  ", "a"), ("a   b", "a b"), ("a\tb", "a b"),
    ("Hej 👍🏽 alla", "Hej 👍🏽 alla"),     # emoji untouched
])
def test_normalise_text_by_hand(raw, expected):
    assert clean.normalise_text(raw) == expected


@pytest.mark.parametrize("text,enough", [
    ("Hej på dig", False),                             # 3 words but 8 letters
    ("Hej på dig idag", True),                         # 4 words, 12 letters
    ("https://a.se/bbbbbbbbbbbbbbbb hej hej", False),  # the link is not words
    ("#hashtagg #taggar #mer", False),                 # nor are hashtags
    ("ab cd ef gh ij kl", True),                       # 6 words, 12 letters
])
def test_enough_words_to_detect_a_language(text, enough):
    assert language._enough_words(language._STRIP_FOR_LANG.sub(" ", text), 3, 12) is enough


def test_languages_of_clear_texts_and_und_when_too_short():
    texts = pd.Series([
        "Kommunen informerar om att vägen är avstängd under hela veckan på grund av arbeten.",
        "Kommunen informerer om at veien er stengt hele uka på grunn av arbeid.",
        "Kommunen informerer om at vegen er stengd heile veka på grunn av arbeid.",
        "The road is closed all week because of construction work near the school.",
        "Hej!", None], dtype="string")
    assert clean.detect_language(texts).tolist() == ["sv", "nb", "nn", "en", "und", "und"]


def test_links_hashtags_mentions_and_emoji_counted_by_hand():
    f = clean.text_features(["Läs mer https://x.se #Snö #snö @anna a@b.se 👍🏽", "www.a.se/#x @b", None])
    # one link; two hashtags (kept lower-case); @anna is a mention, a@b.se is not; one skin-toned emoji.
    # A # inside a link is not a hashtag, and a one-letter @b is not a mention.
    assert f["n_urls"].tolist() == [1, 1, 0]
    assert f["n_hashtags"].tolist() == [2, 0, 0]
    assert f["n_mentions"].tolist() == [1, 0, 0]
    assert f["n_emoji"].tolist() == [1, 0, 0]
    assert f["hashtags"].tolist() == ["snö snö", "", ""]


def test_the_pages_own_comments_by_id_name_or_handle_ignoring_case_and_spaces():
    def s(*values):
        return pd.Series(values, dtype="string")

    mask = privacy.page_author_mask(
        s("123", None, "9", "9", "9", None),                  # author id
        s("x", " sjövik ", "Straße", "anna", "@x", None),     # author name
        s(" 123", "1", "1", "1", "1", "1"),                   # page id
        s("q", "SJÖVIK", "STRASSE", "Sjövik", "Sjövik", None),  # page name
        s(None, None, None, "Anna ", "x", None))              # page handle
    # same id; same name up to case and spaces; ß casefolds to ss; the handle; "@x" is not "x"; nothing known
    assert mask.tolist() == [True, True, True, True, False, False]
