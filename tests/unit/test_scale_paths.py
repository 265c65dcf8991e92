"""Properties the country-scale code paths rest on: each distinct text processed once, files read in
chunks or at once, duplicates by row hashes, sorted keys, samples of posts for drivers and topics."""

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

    from ..conftest import SAMPLE_RAW

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


def test_cached_tone_scores_equal_fresh_ones(sample_dataset, tmp_path):
    from kommunsocial.tone import _cache, add_tone

    def cached():
        return len(_cache._read(next(tmp_path.glob("tone-index-*"))))

    posts = sample_dataset.posts.iloc[:300]
    fresh = add_tone(posts)
    first = add_tone(posts, cache=tmp_path)
    assert cached() == len(set(zip(posts["lang"].astype(str), posts["text"])))
    again = add_tone(posts, cache=tmp_path, threshold=60)  # read back; the threshold applies afterwards
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_series_equal(again["formality"], fresh["formality"])
    assert (again["tone"] == "formal").sum() <= (fresh["tone"] == "formal").sum()
    changed = posts.assign(text=posts["text"].where(posts.index != posts.index[0], "Hej på er alla! 😊"))
    other = add_tone(changed, cache=tmp_path)  # another text: an entry of its own, not the old score
    assert cached() == len(set(zip(posts["lang"].astype(str), posts["text"]))) + 1
    pd.testing.assert_frame_equal(other, add_tone(changed))


def _parsed_equal(a, b):
    for table in ("pages", "posts", "comments"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert a.quarantine == b.quarantine
    assert a.info == b.info


def _mixed_jsonl(tmp_path):
    """Every Graph API fixture of a collection, one JSON document per line, in one file: bare
    post ids before the line that reveals the page, posts and comments mixed."""
    import json
    from pathlib import Path

    folder = Path(__file__).parents[1] / "data" / "graph_api" / "collection"
    lines = []
    for path in sorted(folder.iterdir(), reverse=True):
        for doc in ([json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.suffix == ".jsonl"
                    else [json.loads(path.read_text())]):
            lines += [json.dumps(d) for d in (doc if isinstance(doc, list) else [doc])]
    out = tmp_path / "mixed.jsonl"
    out.write_text("\n".join(lines) + "\n")
    return out


def test_graph_api_json_lines_read_in_chunks_equal_reading_at_once(tmp_path, monkeypatch):
    from kommunsocial.io import _json, read_file

    from ..conftest import SAMPLE_RAW

    passes = _count_passes(monkeypatch)
    for path, sizes in ((SAMPLE_RAW / "comments.jsonl", (700, 1999)), (_mixed_jsonl(tmp_path), (1, 4))):
        monkeypatch.setattr(_json, "CHUNK_LINES", 10**9)
        whole = read_file(path, format="graph_api")
        assert len(whole.posts) + len(whole.comments) > 20
        for size in sizes:
            monkeypatch.setattr(_json, "CHUNK_LINES", size)
            passes.clear()
            _parsed_equal(read_file(path, format="graph_api"), whole)
            if path.name == "comments.jsonl":
                assert len(passes) == 1  # the defaults settle in the first chunk: one pass


def _count_passes(monkeypatch) -> list:
    """Record each reading of a JSON Lines file from its start (a second one: the defaults changed)."""
    from kommunsocial.io import graph_api

    passes = []

    class Reader(graph_api._Reader):
        def __init__(self, *args, **kwargs):
            passes.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(graph_api, "_Reader", Reader)
    monkeypatch.setattr(graph_api, "read_columns", lambda *args: None)  # the record walk, not the columns
    return passes


def _jsonl(path, docs):
    import json

    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


_T = "2024-01-0{}T10:00:00+0000"


def _late_default_files(tmp_path):
    """JSON Lines files in which a file-wide default is used early and turns out otherwise later."""
    post = {"id": "100_1", "created_time": _T.format(1), "message": "Vinterväghållning",
            "status_type": "added_photos"}
    comment = {"created_time": _T.format(2), "message": "Tack!", "like_count": 1, "comment_count": 0}
    return {
        # a response that does not tell posts from comments is read as what most responses hold: the
        # first chunks hold posts, most of the file comments
        "kind": _jsonl(tmp_path / "kind.jsonl", [
            {"data": [post]},
            {"data": [{"id": "200_9", "created_time": _T.format(3), "message": "Which one am I?"}]},
            *[{"data": [dict(comment, id=f"300_{i}")]} for i in range(3)]]),
        # bare post ids read before a later line reveals the page
        "page": _jsonl(tmp_path / "page.jsonl", [
            {"data": [dict(post, id="2", **{"from": {"id": "100", "name": "Sjöviks kommun"}})]},
            {"data": [dict(post, id="3")]},
            {"data": [dict(comment, id="3_1")],
             "paging": {"next": "https://graph.facebook.com/v19.0/100_3/comments?after=x"}}]),
        # a comment looks for its page's name before a page node gives it
        "name": _jsonl(tmp_path / "name.jsonl", [
            {"id": "100_3", "comments": {"data": [dict(comment, id="3_1", **{"from": {"name": "Sjöviks kommun"}})]}},
            {"id": "100", "name": "Sjöviks kommun", "fan_count": "1200",
             "posts": {"data": [dict(post, id="100_4")]}}]),
        # a post without shares before any post shows that shares were requested (then 0)
        "shares": _jsonl(tmp_path / "shares.jsonl", [
            {"data": [post]}, {"data": [post]}, {"data": [dict(post, id="100_2", shares={"count": 4})]}]),
    }


def test_graph_api_chunks_read_again_when_a_default_changes_late(tmp_path, monkeypatch):
    from kommunsocial.io import _json, read_file

    passes = _count_passes(monkeypatch)
    files = _late_default_files(tmp_path)
    wholes = {}
    for what, path in files.items():
        monkeypatch.setattr(_json, "CHUNK_LINES", 10**9)
        wholes[what] = whole = read_file(path, format="graph_api")
        for size in (1, 2):
            monkeypatch.setattr(_json, "CHUNK_LINES", size)
            passes.clear()
            _parsed_equal(read_file(path, format="graph_api"), whole)
            # read again when the change comes in a later chunk; an absent ``shares`` is settled at
            # the end, without reading again
            late = size < len(path.read_text().splitlines()) and what != "shares"
            assert len(passes) == (2 if late else 1), (what, size)
    # what reading at once gives, and so reading in chunks
    kind = wholes["kind"]
    assert len(kind.posts) == 1 and "200_9" in kind.comments["comment_id"].tolist()
    assert set(wholes["page"].posts["post_id"]) == {"100_2", "100_3"}
    assert wholes["page"].comments["post_id"].tolist() == ["100_3"]
    assert wholes["name"].comments["author_is_page"].tolist() == [True]
    assert wholes["shares"].posts["n_shares"].tolist() == [0, 0, 4]


def test_duplicates_found_through_row_hashes_equal_comparing_every_row_as_text(sample_dataset):
    from kommunsocial.clean import drop_exact_duplicates

    comments = sample_dataset.comments
    repeated = pd.concat([comments, comments.iloc[::7], comments.iloc[::11].assign(source_row=-1)],
                         ignore_index=True)
    repeated.loc[len(comments) + 1, "text"] = "changed"  # no longer a duplicate
    cols = [c for c in repeated.columns if c not in ("source_file", "source_row", "source_format")]
    plain = repeated.astype({c: "string" for c in cols}).duplicated(subset=cols, keep="first")
    kept, n = drop_exact_duplicates(repeated)
    assert n == int(plain.sum()) > 1000
    pd.testing.assert_frame_equal(kept, repeated.loc[~plain].reset_index(drop=True))


def test_row_order_by_lexsort_equals_sort_values_and_isin_by_codes_equals_isin(sample_dataset):
    import numpy as np

    from kommunsocial import schema

    for table in ("posts", "comments"):
        frame = sample_dataset.tables()[table].sample(frac=1.0, random_state=0).reset_index(drop=True)
        frame.loc[frame.index[::50], "created_at"] = pd.NaT  # missing values sort first
        if table == "comments":
            frame.loc[frame.index[3::97], "post_id"] = frame["post_id"].iloc[0]  # ties broken by later keys
        keys = schema.SORT_KEYS[table]
        plain = frame.sort_values(keys, kind="mergesort", na_position="first").index.to_numpy()
        assert (schema._stable_order(frame, keys) == plain).all()
    comments, posts = sample_dataset.comments["post_id"], sample_dataset.posts["post_id"]
    pool = pd.concat([posts.iloc[::3], pd.Series([pd.NA], dtype="string")])
    probe = pd.concat([comments, pd.Series([pd.NA, "nope"], dtype="string")], ignore_index=True)
    assert (schema.isin(probe, pool) == probe.isin(pool.dropna()).to_numpy()).all()
    assert 0 < schema.isin(probe, pool).sum() < len(probe)
    assert not np.isin([True], schema.isin(probe.iloc[-2:], pool)).any()


def test_utf8_json_lines_parsed_from_bytes_equal_decoding_the_file_first(tmp_path, monkeypatch):
    from kommunsocial.io import _json, read_file

    from ..conftest import SAMPLE_RAW

    lines = _json.utf8_json_lines
    # not JSON Lines (one document, pretty-printed): the whole-file path, as before
    assert lines((SAMPLE_RAW / "posts.json").read_bytes()) is None
    assert lines(b'{\n "data": []\n}\n') is None
    assert lines(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n') == b'{"a": 1}\n{"a": 2}'
    path = _mixed_jsonl(tmp_path)
    assert lines(path.read_bytes()) is not None
    fast = read_file(path, format="graph_api")
    monkeypatch.setattr(_json, "utf8_json_lines", lambda data: None)
    _parsed_equal(fast, read_file(path, format="graph_api"))


def test_json_lines_in_cp1252_still_read_by_decoding_the_file(tmp_path):
    from kommunsocial.io import read_file

    path = _mixed_jsonl(tmp_path)
    text = path.read_text(encoding="utf-8") + '{"data": [{"id": "1_2", "message": "Hälsningar från Sjövik", "created_time": "2024-01-01T10:00:00+0000"}]}\n'
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(text.encode("cp1252", errors="replace"))
    parsed = read_file(latin, format="graph_api")
    assert "Hälsningar från Sjövik" in parsed.posts["text"].tolist()


def test_tone_drivers_on_a_sample_of_posts_per_language(sample_dataset):
    from kommunsocial.tone import add_tone, summaries

    posts = add_tone(sample_dataset.posts)
    full = summaries.drivers(posts, max_posts=None)
    pd.testing.assert_frame_equal(summaries.drivers(posts), full)  # fewer posts than the cap: all used
    sampled = summaries.drivers(posts, max_posts=1000)
    diff = (sampled.reindex(full.index) - full).abs().max().max()
    assert 0 < diff < 0.3, diff  # a sample, close to the whole
    pd.testing.assert_frame_equal(summaries.drivers(posts, max_posts=1000), sampled)  # seeded


def test_community_table_by_hand():
    import networkx as nx

    from kommunsocial import network

    G = nx.Graph()
    G.add_nodes_from([("a", {"main_page": "P"}), ("b", {"main_page": "P"}), ("c", {"main_page": "Q"}),
                      ("d", {"main_page": "Q"}), ("e", {})])
    G.add_weighted_edges_from([("a", "b", 2), ("b", "c", 1), ("d", "e", 3), ("c", "d", 1)])
    labels = pd.Series({"a": 0, "b": 0, "c": 0, "d": 1, "e": 1})
    table = network.community_table(G, labels)
    # community 0: a-b 2 + b-c 1 inside; strengths a 2, b 3, c 2 (c-d crosses); pages P, P, Q
    # community 1: d-e 3 inside; strengths d 4, e 3; pages Q and none
    assert table["size"].tolist() == [3, 2]
    assert table["share"].tolist() == [0.6, 0.4]
    assert table["internal_weight"].tolist() == [3, 3]
    assert table["members"].tolist() == ["b, a, c", "d, e"]
    assert table["main_page"].tolist() == ["P", "Q"]


def test_topics_fitted_on_a_sample_assign_every_post(sample_dataset):
    from kommunsocial import engagement

    posts = sample_dataset.posts
    full, _ = engagement.topics(posts["text"], lang=posts["lang"], n_topics=6)
    same, _ = engagement.topics(posts["text"], lang=posts["lang"], n_topics=6, max_fit=None)
    pd.testing.assert_series_equal(full, same)  # fewer posts than the cap: the model sees them all
    sampled, table = engagement.topics(posts["text"], lang=posts["lang"], n_topics=6, max_fit=400)
    again, _ = engagement.topics(posts["text"], lang=posts["lang"], n_topics=6, max_fit=400)
    pd.testing.assert_series_equal(sampled, again)  # seeded
    assert sampled.notna().all() and table["posts"].sum() == (sampled != "other").sum()
    assert set(sampled.unique()) - {"other"} <= set(table["in_model"])
