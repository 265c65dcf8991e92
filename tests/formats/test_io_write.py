"""Round trips: what each export writer writes, the format's reader reads back unchanged.

Each format is asserted on the columns it can hold; what it cannot hold is named next to it:

* ``csv`` (kommunsocial's own layout): everything.
* ``graph_api`` / ``graph_api_jsonl``: no ``followers_at_posting``, no municipality code, country
  or population of pages (the user's ``pages.csv`` adds them).
* ``crowdtangle``: no comments; pages without municipality code and population.
* ``x_v2`` / ``x_v2_flat``: one reaction (``n_likes`` = ``n_reactions``, no per-type reactions), no
  ``followers_at_posting``; an event post comes back as a link.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.errors import SchemaError
from kommunsocial.io import read_file
from kommunsocial.io import write as writers

POSTS_ALL = ["page_id", "created_at", "text", "post_type", "url", "n_reactions", "n_likes", "n_love", "n_care",
             "n_haha", "n_wow", "n_sad", "n_angry", "n_comments", "n_shares"]
COMMENTS_ALL = ["post_id", "parent_id", "author_platform_id", "author_name", "author_is_page", "created_at", "text",
                "n_likes", "n_replies"]
#: format -> (posts columns it carries, comments columns it carries, pages columns it carries)
CARRIED = {
    "csv": (POSTS_ALL + ["followers_at_posting"], COMMENTS_ALL,
            ["page_name", "handle", "municipality_code", "country", "followers", "population"]),
    "graph_api": (POSTS_ALL, COMMENTS_ALL, ["page_name"]),
    "graph_api_jsonl": (POSTS_ALL, COMMENTS_ALL, ["page_name"]),
    "crowdtangle": (POSTS_ALL + ["followers_at_posting"], None, ["page_name", "handle", "country"]),
    "x_v2": (["page_id", "created_at", "text", "url", "n_reactions", "n_comments", "n_shares"], COMMENTS_ALL,
             ["page_name", "handle", "followers"]),
    "x_v2_flat": (["page_id", "created_at", "text", "url", "n_reactions", "n_comments", "n_shares"], COMMENTS_ALL,
                  ["page_name", "handle", "followers"]),
}

HOSTILE = [
    'Hon sa "hej", sedan; gick\nvidare',
    '=HYPERLINK("http://example.org","klicka")',
    '<script>alert("x")</script> & &amp; &lt;b&gt; <b>fet</b>',
    "emoji 🙂👍🏽👨‍👩‍👧 och , ; \" ' och\ttabb",
    "+46 70 = summa; -1, \"citat\" \"\"dubbelt\"\"",
    "&" * 5 + " lång " + "å" * 290,  # past X's 280 characters: note_tweet holds the whole text
]


@pytest.fixture(scope="module")
def corpus():
    return ks.sample.generate(n_pages=2, years=0.25, seed=1)


def _tables(corpus, fmt):
    if fmt.startswith("x_v2"):
        return writers.as_tweets(corpus.pages, corpus.posts, corpus.comments)
    return corpus.pages, corpus.posts, corpus.comments


def _read(files):
    """Every file read back with its reader (detected from the content), tables concatenated."""
    parsed = [read_file(f) for f in files]
    for p in parsed:
        assert len(p.quarantine) == 0, p.quarantine
    out = {}
    for table in ("pages", "posts", "comments"):
        frames = [getattr(p, table) for p in parsed if len(getattr(p, table))]
        out[table] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    # each Graph API file names the pages it saw: one row per page
    out["pages"] = out["pages"].drop_duplicates("page_id", ignore_index=True)
    return out


def _values(frame: pd.DataFrame, col: str) -> list:
    s = frame[col]
    if col == "created_at":
        return pd.to_datetime(s, utc=True).dt.as_unit("ms").tolist()
    return s.astype(object).where(s.notna(), None).tolist()


def _assert_same(read: pd.DataFrame, written: pd.DataFrame, key: str, columns) -> None:
    assert sorted(read[key]) == sorted(written[key])
    read = read.set_index(key, drop=False).loc[written[key].tolist()]
    for col in columns:
        assert _values(read, col) == _values(written, col), col


@pytest.mark.parametrize("fmt", list(writers.FORMATS))
def test_round_trip(corpus, fmt, tmp_path):
    pages, posts, comments = _tables(corpus, fmt)
    files = writers.write(pages, posts, comments, tmp_path, format=fmt)
    assert all(f.parent == tmp_path for f in files)
    back = _read(files)
    post_cols, comment_cols, page_cols = CARRIED[fmt]
    _assert_same(back["posts"], posts, "post_id", post_cols)
    _assert_same(back["pages"], pages, "page_id", page_cols)
    if comment_cols is None:
        assert len(back["comments"]) == 0
    else:
        _assert_same(back["comments"], comments, "comment_id", comment_cols)
    if fmt.startswith("x_v2"):
        x = back["posts"].set_index("post_id").loc[posts["post_id"]]
        assert x["n_likes"].tolist() == posts["n_reactions"].tolist()  # X has one reaction
        expected = posts["post_type"].replace({"event": "link"})
        assert x["post_type"].tolist() == expected.tolist()
        assert x["n_views"].isna().all()  # the corpus has no views: impression_count left out


def test_hand_built_tables_round_trip_with_hostile_text(tmp_path):
    """Quotes, newlines, delimiters, emoji, markup and formulas come back as written, in every format."""
    pages = pd.DataFrame({"page_id": ["111"], "platform": ["facebook"], "page_name": ['Sjövik "kommun"; <b>'],
                          "handle": ["sjovik"], "municipality_code": ["0180"], "country": ["SE"],
                          "followers": [1000], "population": [5000]})
    times = pd.to_datetime(["2024-01-15T08:15:02Z", "2024-03-11T08:15:02Z", "2024-07-01T12:00:00Z",
                            "2024-07-01T13:00:00Z", "2024-07-02T09:30:00Z", "2024-07-03T10:00:00Z"], utc=True)
    posts = pd.DataFrame({
        "post_id": [f"111_20{i}" for i in range(3)], "page_id": "111", "platform": "facebook",
        "created_at": times[:3], "text": HOSTILE[:3], "post_type": ["status", "photo", "link"],
        "url": [f"https://www.facebook.com/111/posts/20{i}" for i in range(3)],
        "n_reactions": [6, 0, 15], "n_likes": [3, 0, 10], "n_love": [1, 0, 5], "n_care": [0, 0, 0],
        "n_haha": [2, 0, 0], "n_wow": [0, 0, 0], "n_sad": [0, 0, 0], "n_angry": [0, 0, 0],
        "n_comments": [3, 0, 0], "n_shares": [1, 0, 2], "followers_at_posting": [990, 995, 1000]})
    comments = pd.DataFrame({
        "comment_id": ["200_1", "200_2", "200_3"], "post_id": "111_200", "parent_id": [None, "200_1", "200_1"],
        "author_name": ['Anna "Ann" Berg, =1+1', 'Sjövik "kommun"; <b>', "Björn; <i>Ek</i>"],
        "author_platform_id": ["900000000000001", "111", "900000000000002"],
        "author_is_page": [False, True, False], "created_at": times[3:], "text": HOSTILE[3:],
        "n_likes": [2, 0, 1], "n_replies": [2, 0, 0]})
    for fmt in writers.FORMATS:
        tables = writers.as_tweets(pages, posts, comments) if fmt.startswith("x_v2") else (pages, posts, comments)
        back = _read(writers.write(*tables, tmp_path / fmt, format=fmt))
        post_cols, comment_cols, _ = CARRIED[fmt]
        _assert_same(back["posts"], tables[1], "post_id", post_cols)
        assert back["posts"].set_index("post_id").loc[tables[1]["post_id"], "text"].tolist() == HOSTILE[:3], fmt
        if comment_cols is not None:
            _assert_same(back["comments"], tables[2], "comment_id", comment_cols)
            got = back["comments"].set_index("comment_id").loc[tables[2]["comment_id"], "text"].tolist()
            assert got == HOSTILE[3:], fmt
        assert back["pages"]["page_name"].tolist() == ['Sjövik "kommun"; <b>'], fmt


def _one_post_tables():
    pages = pd.DataFrame({"page_id": ["111"], "page_name": ["Sjöviks kommun"], "handle": ["sjovikskommun"],
                          "country": ["SE"], "followers": [1000]})
    posts = pd.DataFrame({"post_id": ["111_200"], "page_id": ["111"], "platform": ["facebook"],
                          "created_at": pd.to_datetime(["2024-03-11T08:15:02.250Z"], utc=True),
                          "text": ["Vatten & avlopp <stängt>"], "post_type": ["photo"],
                          "url": ["https://www.facebook.com/111/posts/200"], "n_reactions": [5], "n_comments": [2],
                          "n_shares": [1]})
    comments = pd.DataFrame({"comment_id": ["200_1", "200_2"], "post_id": ["111_200", "111_200"],
                             "parent_id": [None, "200_1"], "author_name": ["Anna Berg", "Sjöviks kommun"],
                             "author_platform_id": ["900000000000001", "111"], "author_is_page": [False, True],
                             "created_at": pd.to_datetime(["2024-03-11T09:00:00Z", "2024-03-11T10:00:00Z"], utc=True),
                             "text": ["När öppnar ni?", "I morgon kl. 8!"], "n_likes": [1, 0], "n_replies": [1, 0]})
    return pages, posts, comments


def test_as_tweets_gives_snowflake_ids_from_the_creation_time():
    pages, posts, comments = writers.as_tweets(*_one_post_tables())
    # 2024-03-11T08:15:02.250Z is 1710144902250 ms since 1970; minus X's epoch 1288834974657 gives
    # 421309927593 ms, shifted 22 bits (x 4194304) = 1767101914543030272; the row number (0) is added
    assert posts["post_id"].tolist() == ["1767101914543030272"]
    # the comments: 09:00:00 is 2697750 ms later than the post; rows 1 and 2
    assert comments["comment_id"].tolist() == [str(1767101914543030272 + 2_697_750 * 4194304 + 1),
                                               str(1767101914543030272 + 6_297_750 * 4194304 + 2)]
    assert comments["post_id"].tolist() == ["1767101914543030272"] * 2
    assert comments["parent_id"].tolist()[1] == comments["comment_id"].tolist()[0]
    assert pd.isna(comments["parent_id"].tolist()[0])
    assert posts["url"].tolist() == ["https://x.com/sjovikskommun/status/1767101914543030272"]


@pytest.mark.parametrize("layout", ["x_v2", "x_v2_flat"])
def test_x_v2_writes_replies_in_the_posts_conversation(layout, tmp_path):
    pages, posts, comments = writers.as_tweets(*_one_post_tables())
    (path,) = writers.write(pages, posts, comments, tmp_path, format=layout)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    if layout == "x_v2":
        assert len(lines) == 1
        page = lines[0]
        tweets = page["data"]
        assert {u["id"]: u["username"] for u in page["includes"]["users"]} == {
            "111": "sjovikskommun", "900000000000001": "u900000000000001"}
        assert page["includes"]["media"] == [{"media_key": f"3_{posts['post_id'][0]}", "type": "photo"}]
        assert page["meta"]["result_count"] == 3
        assert "from%3Asjovikskommun+OR+to%3Asjovikskommun" in page["__twarc"]["url"]
    else:
        tweets = lines
        assert [t["author"]["id"] for t in tweets] == ["111", "900000000000001", "111"]
        assert tweets[0]["in_reply_to_user"]["id"] == "900000000000001"
    post_id, (top, reply) = posts["post_id"][0], comments["comment_id"].tolist()
    by_id = {t["id"]: t for t in tweets}
    assert [t["id"] for t in tweets] == [reply, top, post_id]  # newest first, as a search returns them
    assert by_id[post_id]["text"] == "Vatten &amp; avlopp &lt;stängt&gt;"  # escaped as the API does
    assert by_id[post_id]["conversation_id"] == post_id
    assert by_id[post_id]["public_metrics"] == {"retweet_count": 1, "reply_count": 2, "like_count": 5,
                                                "quote_count": 0, "bookmark_count": 0}
    assert by_id[top]["conversation_id"] == by_id[reply]["conversation_id"] == post_id
    assert by_id[top]["referenced_tweets"] == [{"type": "replied_to", "id": post_id}]
    assert by_id[top]["in_reply_to_user_id"] == "111"  # a top-level comment answers the page
    assert by_id[reply]["referenced_tweets"] == [{"type": "replied_to", "id": top}]
    assert by_id[reply]["in_reply_to_user_id"] == "900000000000001"  # the page answers Anna
    assert by_id[reply]["author_id"] == "111"
    assert by_id[top]["created_at"] == "2024-03-11T09:00:00.000Z"
    assert by_id[post_id]["created_at"] == "2024-03-11T08:15:02.250Z"


def test_missing_counts_stay_missing(tmp_path):
    pages, posts, comments = _one_post_tables()
    posts = posts.assign(n_views=pd.array([None], dtype="Int64"), n_shares=pd.array([None], dtype="Int64"),
                         followers_at_posting=pd.array([None], dtype="Int64"))
    x = _read(writers.write(*writers.as_tweets(pages, posts, comments), tmp_path / "x", format="x_v2"))["posts"]
    assert x["n_views"].isna().all() and x["n_shares"].isna().all() and x["n_reactions"].tolist() == [5]
    ct = _read(writers.write(pages, posts, comments, tmp_path / "ct", format="crowdtangle"))["posts"]
    assert ct["followers_at_posting"].isna().all() and ct["n_shares"].isna().all()
    own = _read(writers.write(pages, posts, comments, tmp_path / "csv", format="csv"))["posts"]
    assert own[["n_views", "n_shares", "followers_at_posting"]].isna().all().all()
    assert own["n_comments"].tolist() == [2]


def test_x_v2_refuses_ids_that_are_not_numbers(tmp_path):
    pages, posts, comments = _one_post_tables()
    with pytest.raises(SchemaError, match=r"table 'posts', column 'post_id'.*'111_200'.*rows 1"):
        writers.write(pages, posts, comments, tmp_path, format="x_v2")
    assert not (tmp_path / "tweets.jsonl").exists()


def test_as_tweets_refuses_a_reply_to_a_missing_comment():
    pages, posts, comments = _one_post_tables()
    comments.loc[1, "parent_id"] = "200_9"
    with pytest.raises(SchemaError,
                       match=r"table 'comments', column 'parent_id'.*'200_9' is not in the comments.*rows 2"):
        writers.as_tweets(pages, posts, comments)


def test_unknown_format_is_named():
    with pytest.raises(ValueError, match="'facebook'.*'csv'"):
        writers.write(*_one_post_tables(), "unused", format="facebook")


def test_sample_in_x_v2_loads_with_every_page_and_answer(corpus, tmp_path):
    """The whole pipeline: the sample written as twarc2 pages, loaded with ks.load."""
    ks.sample.write(corpus, tmp_path, format="x_v2")
    ds = ks.load(tmp_path, salt="s", progress=False)
    assert len(ds.quarantine) == 0
    assert len(ds.posts) == len(corpus.posts) and len(ds.comments) == len(corpus.comments)
    assert set(ds.pages["municipality_code"]) == set(corpus.pages["municipality_code"])  # from pages.csv
    assert int(ds.comments["author_is_page"].sum()) == int(corpus.comments["author_is_page"].sum())
    assert (ds.posts["platform"] == "x").all()
