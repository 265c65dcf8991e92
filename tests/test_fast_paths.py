"""The optimised code paths give exactly what the plain ones give.

Each optimisation made for country-scale data (``make bench``) is checked here against the
straightforward implementation it replaced, on the bundled sample and on generated edge cases.
"""

import emoji
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kommunsocial import clean

# letters, digits, keycap parts, ZWJ, variation selector, skin tones, emoji, flags, tag sequences
_ALPHABET = list("ab #*19 \n") + ["\u200d", "\ufe0f", "\u20e3", "\U0001f3fd", "\U0001f3fb", "👩", "👧", "❤",
                                  "👍", "🏳", "🌈", "🇸", "🇪", "🏴", "\U000e0067", "\U000e007f", "©", "😀"]


def _plain_emoji_count(text: str) -> int:
    return emoji.emoji_count(text)


@given(st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join))
def test_emoji_count_by_runs_equals_emoji_count(text):
    assert clean._emoji_count(text) == _plain_emoji_count(text)


def test_emoji_count_on_the_sample(sample_dataset):
    texts = pd.concat([sample_dataset.posts["text"], sample_dataset.comments["text"]]).tolist()
    assert [clean._emoji_count(t) for t in texts] == [_plain_emoji_count(t) for t in texts]
    assert sum(clean._emoji_count(t) for t in texts) > 1000  # the sample has emoji to count


def test_processing_each_distinct_text_once_equals_processing_every_row():
    from kommunsocial import privacy
    from kommunsocial.clean import clean_texts, detect_language, text_features
    from kommunsocial.ingest import _Texts
    from kommunsocial.io import read_file

    from .conftest import SAMPLE_RAW

    posts = read_file(SAMPLE_RAW / "posts.json").posts["text"]
    comments = read_file(SAMPLE_RAW / "comments.jsonl").comments["text"]
    names = ["Anna Fiktiv", "Ola Nordmann"]

    def plain(column):  # what ingest did row by row before
        text = clean_texts(column)
        lang = detect_language(text)
        feats = text_features(text)
        masked = privacy.redact(privacy.mask_mentions(privacy.mask_names(text, names)))
        return text, lang, feats, masked

    texts = _Texts([posts, comments])
    assert len(texts.unique) < 0.8 * (len(posts) + len(comments))  # comments repeat: work is saved
    texts.apply(clean_texts)
    cleaned = texts.spread(texts.unique)
    langs = texts.spread(detect_language(texts.unique))
    feats = texts.spread(text_features(texts.unique))
    texts.apply(lambda u: privacy.redact(privacy.mask_mentions(privacy.mask_names(u, names))))
    masked = texts.spread(texts.unique)
    for i, column in enumerate((posts, comments)):
        text, lang, feat, mask = plain(column)
        assert cleaned[i].tolist() == text.tolist()
        assert langs[i].tolist() == lang.tolist()
        pd.testing.assert_frame_equal(feats[i], feat.reset_index(drop=True))
        assert masked[i].tolist() == mask.tolist()
