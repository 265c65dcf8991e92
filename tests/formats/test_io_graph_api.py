"""Facebook Graph API reader: posts and comments responses, their quirks, bad input, and merging."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, read_file
from kommunsocial.io import graph_api

from ._helpers import MANGLED_RUNS, assert_every_record_counted, by, garbage, nested_records

DATA = Path(__file__).parents[1] / "data" / "graph_api"
COLL = DATA / "collection"
BAD = DATA / "bad"
PAGE = "100064512345678"
P1 = f"{PAGE}_812345678901234"
P2 = f"{PAGE}_810987654321098"
P3 = f"{PAGE}_801234567890123"
P4 = f"{PAGE}_805555123456789"


def ts(text):
    return pd.Timestamp(text, tz="UTC")


# -- sniffing ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(COLL.iterdir()), ids=lambda p: p.name)
def test_detects_every_collection_file(path):
    assert detect(path) == "graph_api"


@pytest.mark.parametrize("head", [
    # MCL comment JSON (another reader's): creation_time, owner, parent_comment_id
    b'{"data": [{"id": "1200000000000001", "post_id": "1084563219876504", "text": "Hej", '
    b'"creation_time": "2024-03-08T10:05:43+0000", "owner": {"id": "1", "type": "page"}, '
    b'"parent_comment_id": "1200000000000000", "statistics": {"like_count": 6}}]}',
    # Instagram media: text timestamp, media_type
    b'{"data": [{"id": "17993456781234567", "caption": "x", "media_type": "IMAGE", '
    b'"timestamp": "2024-03-11T12:30:00+0000", "username": "sjovikskommun"}]}',
    # DYI posts: numeric timestamp
    b'[{"timestamp": 1710159302, "data": [{"post": "Nu \\u00c3\\u00b6ppnar"}], "title": "x"}]',
    # X API v2
    b'{"data": [{"id": "1767177587127238658", "text": "RT", "created_at": "2024-03-11T13:15:44.000Z", '
    b'"author_id": "1598877665544332211"}]}',
    b"post_id,created_at\n1,2024-01-01\n",
])
def test_does_not_claim_other_formats(head):
    assert not graph_api.sniff(head, "data.json")


def test_claims_graph_error_objects_and_empty_result_pages():
    assert graph_api.sniff((BAD / "api_error.json").read_bytes(), "x.json")
    empty = {"data": [], "paging": {"previous": f"https://graph.facebook.com/v20.0/{PAGE}/posts?before=QVFI"}}
    assert graph_api.sniff(json.dumps(empty).encode(), "x.json")


# -- posts -------------------------------------------------------------------------------------
def test_posts_response_values():
    parsed = read_file(COLL / "posts_page1.json")
    posts = by(parsed.posts, "post_id")
    assert list(parsed.posts["post_id"]) == [P1, P2, P3]
    p1 = posts.loc[P1]
    assert p1["page_id"] == PAGE
    assert p1["created_at"] == ts("2024-03-11 12:15:02")
    assert p1["text"].startswith("Nu öppnar vi anmälan")
    assert p1["url"] == f"https://www.facebook.com/{PAGE}/posts/812345678901234"
    assert p1["post_type"] == "photo"
    counts = {c: p1[c] for c in ("n_reactions", "n_likes", "n_love", "n_wow", "n_haha", "n_sad", "n_angry", "n_care",
                                  "n_comments", "n_shares")}
    assert counts == {"n_reactions": 249, "n_likes": 212, "n_love": 27, "n_wow": 2, "n_haha": 1, "n_sad": 0,
                      "n_angry": 3, "n_care": 4, "n_comments": 38, "n_shares": 41}
    assert list(parsed.posts["source_row"]) == [1, 2, 3]
    assert set(parsed.posts["source_format"]) == {"graph_api"}
    assert set(parsed.posts["source_file"]) == {"posts_page1.json"}
    assert parsed.quarantine == []


def test_reaction_alias_styles():
    posts = by(read_file(COLL / "posts_page1.json").posts, "post_id")
    # reactions_<type>
    assert (posts.loc[P2, "n_likes"], posts.loc[P2, "n_angry"], posts.loc[P2, "n_sad"]) == (45, 22, 5)
    # like:reactions.type(LIKE).limit(0).summary(1) (Facepager writes the expression as the key)
    assert (posts.loc[P3, "n_likes"], posts.loc[P3, "n_love"]) == (30, 5)
    # a type that was not requested is missing, not 0
    assert pd.isna(posts.loc[P3, "n_wow"])


def test_missing_message_is_empty_text_and_pfbid_permalink_kept():
    p3 = by(read_file(COLL / "posts_page1.json").posts, "post_id").loc[P3]
    assert p3["text"] == ""
    assert p3["url"].startswith("https://www.facebook.com/sjovikskommun/posts/pfbid02kQx7")


def test_absent_shares_zero_only_when_requested():
    # posts_page1: the request URL lists ``shares`` in its fields, so absent means 0
    assert by(read_file(COLL / "posts_page1.json").posts, "post_id").loc[P3, "n_shares"] == 0
    # a saved data list without any ``shares`` and no request URL: missing, not 0
    saved = read_file(COLL / "fjordvik_saved_data.json").posts
    assert saved["n_shares"].isna().all()
    assert saved["n_likes"].isna().all() and saved["n_views"].isna().all() if "n_views" in saved else True


def test_post_types():
    posts = pd.concat([read_file(COLL / f).posts for f in ("posts_page1.json", "posts_pages_2_3.jsonl",
                                                             "fjordvik_saved_data.json")])
    types = dict(zip(posts["post_id"], posts["post_type"]))
    assert types[P1] == "photo"                                  # attachments[0].type photo
    assert types[P2] == "link"                                   # share
    assert types[P4] == "video"                                  # video_inline
    assert types[f"{PAGE}_798765432109876"] == "link"            # legacy ``type``
    assert types["100069351265250_733300000000001"] == "album"   # album attachment
    assert types["100069351265250_733311122233344"] == "status"  # mobile_status_update


def test_jsonl_of_responses_legacy_likes_and_visitor_post():
    parsed = read_file(COLL / "posts_pages_2_3.jsonl")
    posts = by(parsed.posts, "post_id")
    legacy = posts.loc[f"{PAGE}_798765432109876"]
    assert legacy["n_likes"] == 9 and pd.isna(legacy["n_reactions"])
    assert legacy["n_comments"] == 2
    assert list(parsed.posts["source_row"]) == [1, 2, 4]
    # the visitor's post on the page's feed is not the page's post: quarantined, identity redacted
    (q,) = parsed.quarantine
    assert q["source_row"] == 3 and q["table"] == "posts" and "another account" in q["reason"]
    assert "Kalle" not in q["record"] and "7055511122233344" not in q["record"]


def test_page_node_gives_page_name_handle_and_followers():
    parsed = read_file(COLL / "page_node.json")
    page = parsed.pages.iloc[0]
    assert (page["page_id"], page["page_name"], page["handle"], page["followers"]) == \
        (PAGE, "Sjöviks kommun", "sjovikskommun", 15234)
    assert parsed.posts["n_shares"].tolist() == [2]


def test_ids_stay_strings_even_as_json_numbers(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text('{"data": [{"id": 1234567890123456789, "created_time": "2024-03-11T12:15:02+0000", '
                    '"from": {"id": 100064512345678, "name": "Sjöviks kommun"}, "status_type": "added_photos", '
                    '"reactions": {"summary": {"total_count": 5}}}]}', encoding="utf-8")
    post = read_file(path).posts.iloc[0]
    assert post["post_id"] == "100064512345678_1234567890123456789"
    assert post["page_id"] == "100064512345678"
    assert post["n_reactions"] == 5


# -- comments ----------------------------------------------------------------------------------
def test_toplevel_nested_comments():
    parsed = read_file(COLL / "comments_toplevel.json")
    c = by(parsed.comments, "comment_id")
    assert len(c) == 8 and set(c["post_id"]) == {P2}  # post id from the request URL in paging
    assert pd.isna(c.loc["810987654321098_1122334455667788", "parent_id"])
    assert c.loc["810987654321098_987654321098765", "parent_id"] == "810987654321098_1122334455667788"
    # third level: the reply to the page's reply
    assert c.loc["810987654321098_4455667788990011", "parent_id"] == "810987654321098_987654321098765"
    # no ``parent`` requested: the nesting gives it
    assert c.loc["810987654321098_5566778899001122", "parent_id"] == "810987654321098_1122334455667788"
    page_reply = c.loc["810987654321098_987654321098765"]
    assert page_reply["author_is_page"] and page_reply["author_platform_id"] == PAGE
    assert page_reply["created_at"] == ts("2024-03-08 10:05:43")
    assert (page_reply["n_likes"], page_reply["n_replies"]) == (6, 1)
    assert c.loc["810987654321098_1122334455667788", "author_is_page"] == False  # noqa: E712
    assert c.loc["810987654321098_1122334455667788", "author_name"] == "Testa Testsson"
    assert c.loc["810987654321098_6677889900112233", "text"] == ""  # sticker only
    # reading order: parent before its replies
    assert list(parsed.comments.sort_values("source_row")["comment_id"].str[16:])[:3] == [
        "1122334455667788", "987654321098765", "4455667788990011"]


def test_stream_comments_post_id_from_file_name_and_missing_from():
    parsed = read_file(COLL / f"comments_stream_{PAGE}_810987654321098.json")
    c = by(parsed.comments, "comment_id")
    assert set(c["post_id"]) == {P2}
    assert c.loc["810987654321098_4455667788990011", "parent_id"] == "810987654321098_987654321098765"
    hidden = c.loc["810987654321098_9900990099009900"]
    assert pd.isna(hidden["author_name"]) and pd.isna(hidden["author_platform_id"])
    assert pd.isna(hidden["author_is_page"])  # unknown, not False
    assert parsed.quarantine == []


def test_post_node_with_comments_and_comment_without_id():
    parsed = read_file(COLL / f"post_node_{PAGE}_805555123456789.json")
    assert parsed.posts["post_id"].tolist() == [P4]
    c = by(parsed.comments, "comment_id")
    assert set(c["post_id"]) == {P4}
    assert c.loc["805555123456789_1010101010101011", "parent_id"] == "805555123456789_1010101010101010"
    assert c.loc["805555123456789_1010101010101011", "author_is_page"]
    # ``parent`` is the post itself: a top-level comment
    assert pd.isna(c.loc["805555123456789_1010101010101012", "parent_id"])
    noid = parsed.comments[parsed.comments["comment_id"].str.contains("_noid")]
    assert len(noid) == 1 and noid["comment_id"].iloc[0].startswith("805555123456789_noid")
    # the stand-in id is stable across reads
    assert read_file(COLL / f"post_node_{PAGE}_805555123456789.json").comments["comment_id"].tolist() == \
        parsed.comments["comment_id"].tolist()
    assert parsed.comments["source_row"].tolist() == [2, 3, 4, 5]


def test_comments_without_page_id_keep_bare_post_id(tmp_path):
    data = json.loads((COLL / "comments_toplevel.json").read_text(encoding="utf-8"))
    del data["paging"]["next"]
    path = tmp_path / "comments.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    parsed = read_file(path)
    assert set(parsed.comments["post_id"]) == {"810987654321098"}
    assert parsed.info["bare_post_ids"] == 8
    assert parsed.comments["author_is_page"].isna().all()
    # ``page_id=`` completes it
    assert set(read_file(path, page_id=PAGE).comments["post_id"]) == {P2}


# -- through ks.load: merging a folder of one collection -----------------------------------------
@pytest.fixture(scope="module")
def dataset():
    return ks.load(COLL, salt="test", progress=False)


def test_load_merges_without_duplicates(dataset):
    assert len(dataset.posts) == 8
    assert dataset.posts["post_id"].is_unique and dataset.comments["comment_id"].is_unique
    assert len(dataset.comments) == 13
    # P3 twice (posts_page1 + page 2), P4 twice (page 2 + post node); 8 comments in both thread files
    assert dataset.manifest["duplicates_dropped"] == {"posts": 2, "comments": 8}
    assert dataset.manifest["quarantined_by_reason"] == {"posted on the page's feed by another account, not by the "
                                                         "page": 1}


def test_load_values_and_page_comments(dataset):
    posts = by(dataset.posts, "post_id")
    assert posts.loc[P1, "n_reactions"] == 249 and posts.loc[P1, "n_shares"] == 41
    assert posts.loc[P1, "created_at"] == ts("2024-03-11 12:15:02")
    c = by(dataset.comments, "comment_id")
    page_reply = c.loc["810987654321098_987654321098765"]
    assert page_reply["author_is_page"] and page_reply["author_id"] == PAGE
    assert c.loc["810987654321098_876543210987654", "author_is_page"]
    commenter = c.loc["810987654321098_1122334455667788"]
    assert not commenter["author_is_page"]
    assert commenter["author_id"] not in ("7012345678901234", "Testa Testsson")
    assert "author_name" not in dataset.comments
    pages = by(dataset.pages, "page_id")
    assert pages.loc[PAGE, "page_name"] == "Sjöviks kommun" and pages.loc[PAGE, "followers"] == 15234
    assert pages.loc["100069351265250", "platform"] == "facebook"


# -- bad input ---------------------------------------------------------------------------------
def test_truncated_json(tmp_path):
    path = tmp_path / "posts.json"
    path.write_bytes((COLL / "posts_page1.json").read_bytes()[:1500])
    with pytest.raises(LoadError, match=r"posts\.json: not valid JSON.*line \d+.*truncated"):
        read_file(path, format="graph_api")


def test_truncated_jsonl_names_the_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    data = (COLL / "posts_pages_2_3.jsonl").read_bytes()
    path.write_bytes(data[: len(data) - 200])
    with pytest.raises(LoadError, match=r"pages\.jsonl, row 2: line 2 is not valid JSON") as err:
        read_file(path, format="graph_api")
    assert err.value.row == 2


def test_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"  \n")
    with pytest.raises(LoadError, match="empty.json: the file is empty"):
        ks.load(path, salt="test", progress=False)
    with pytest.raises(LoadError, match="empty.json: the file is empty"):
        graph_api.read(path, name="empty.json", options={})
    path.write_text('{"data": [], "paging": {"previous": "https://graph.facebook.com/v20.0/1/posts?x=1"}}')
    with pytest.raises(LoadError, match="empty.json: the Graph API response holds no posts or comments"):
        read_file(path)


def test_html_saved_as_json():
    with pytest.raises(LoadError, match="error_page.json: this is an HTML page"):
        ks.load(BAD / "error_page.json", salt="test", progress=False)
    with pytest.raises(LoadError, match="error_page.json"):
        read_file(BAD / "error_page.json", format="graph_api")


def test_api_error_object():
    with pytest.raises(LoadError, match="api_error.json: the file holds a Graph API error.*Session has expired"):
        read_file(BAD / "api_error.json")


def test_wrong_format_given():
    ig = Path(__file__).parents[1] / "data" / "instagram" / "collection" / "media.json"
    with pytest.raises(LoadError, match=r"media.json: format='graph_api' was given.*looks like instagram"):
        ks.load(ig, format="graph_api", salt="test", progress=False)


def test_excel_resaved_csv_is_not_graph_json():
    with pytest.raises(LoadError, match="excel_resaved.csv: format='graph_api' was given"):
        read_file(BAD / "excel_resaved.csv", format="graph_api")
    with pytest.raises(LoadError, match="excel_resaved.csv: not a Graph API JSON file"):
        graph_api.read(BAD / "excel_resaved.csv", name="excel_resaved.csv", options={})


def test_unknown_json_object(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"created_time": "2024-01-01", "foo": {"bar": 1}}', encoding="utf-8")
    parsed = read_file(path, format="graph_api")  # a record without id: quarantined, not a crash
    assert len(parsed.posts) == 0 and parsed.quarantine[0]["column"] == "post_id"
    path.write_text('{"results": [], "count": 3}', encoding="utf-8")
    with pytest.raises(LoadError, match="other.json: not a Graph API response"):
        graph_api.read(path, name="other.json", options={})


def test_bad_records_are_quarantined_with_column(tmp_path):
    data = json.loads((COLL / "posts_page1.json").read_text(encoding="utf-8"))
    data["data"][0]["created_time"] = "yesterday"
    data["data"][1]["shares"] = {"count": -4}
    data["data"][2]["reactions"] = "many"
    data["data"].append("not a post")
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    parsed = read_file(path)
    q = {r["source_row"]: (r["column"], r["reason"]) for r in parsed.quarantine}
    assert q[1] == ("created_at", "not a date and time: 'yesterday'")
    assert q[2] == ("n_shares", "negative count -4")
    assert q[3] == ("n_reactions", "not a whole number: 'many'")
    assert q[4][0] == "post_id"
    with pytest.raises(LoadError, match=r"posts.json, row 1, column 'created_at': no record could be loaded"):
        ks.load(path, salt="test", progress=False)


# -- property: mangled records never crash, every record is counted ---------------------------
_BASE_POSTS = json.loads((COLL / "posts_page1.json").read_text(encoding="utf-8"))
_BASE_COMMENTS = json.loads((COLL / "comments_toplevel.json").read_text(encoding="utf-8"))
_GARBAGE = garbage("-5", "2024-13-45T99:00:00+0000", "N/A", "", "1e400", "<html>")


def _records(doc):
    """Every record position a reader sees: data list items and nested ``comments.data`` items."""
    return nested_records(doc["data"], "comments")


@st.composite
def _mangled(draw):
    doc = copy.deepcopy(draw(st.sampled_from([_BASE_POSTS, _BASE_COMMENTS])))
    records = [r for r in _records(doc) if isinstance(r, dict)]
    for _ in range(draw(st.integers(1, 6))):
        rec = draw(st.sampled_from(records))
        keys = sorted(rec)
        if not keys:
            continue
        key = draw(st.sampled_from(keys + ["shares", "reactions", "from", "parent", "like_count"]))
        action = draw(st.sampled_from(["drop", "garbage", "negative", "summary"]))
        if action == "drop":
            rec.pop(key, None)
        elif action == "garbage":
            rec[key] = draw(_GARBAGE)
        elif action == "negative":
            rec[key] = -draw(st.integers(1, 1000))
        else:
            rec[key] = {"summary": {"total_count": draw(_GARBAGE)}, "count": draw(_GARBAGE)}
    if draw(st.booleans()):
        doc["data"].insert(draw(st.integers(0, len(doc["data"]))), draw(_GARBAGE))
    return doc


@pytest.mark.slow  # a property test over many mangled records
@MANGLED_RUNS
@given(doc=_mangled())
def test_property_mangled_records(tmp_path_factory, doc):
    assert_every_record_counted(tmp_path_factory.mktemp("m"), "mangled.json", doc, "graph_api", len(_records(doc)))


def test_comments_without_ids_take_them_from_their_permalinks(tmp_path):
    # Page Public Content Access: no id, no from; the permalink names the post, the comment and its thread
    base = "https://www.facebook.com/100064512345678/posts/805555123456789/?comment_id="
    doc = {"data": [
        {"created_time": "2024-03-11T12:00:00+0000", "message": "Når kommer brøytebilen?", "like_count": 2,
         "comment_count": 1, "permalink_url": base + "2020202020202020"},
        {"created_time": "2024-03-11T12:30:00+0000", "message": "I løpet av kvelden!", "like_count": 0,
         "comment_count": 0, "permalink_url": base + "2020202020202020&reply_comment_id=3030303030303030"},
        {"created_time": "2024-03-11T13:00:00+0000", "message": "Ingen lenke", "comment_count": 0},
    ], "paging": {"cursors": {"after": "x"}}}
    path = tmp_path / "comments_100064512345678_805555123456789.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    c = read_file(path).comments.set_index("source_row")
    assert c.loc[1, ["comment_id", "post_id"]].tolist() == ["805555123456789_2020202020202020",
                                                            "100064512345678_805555123456789"]
    assert pd.isna(c.loc[1, "parent_id"])
    assert c.loc[2, ["comment_id", "parent_id"]].tolist() == ["805555123456789_3030303030303030",
                                                              "805555123456789_2020202020202020"]
    assert c.loc[3, "comment_id"].startswith("805555123456789_noid")  # no permalink: the stand-in id


def test_permalink_ids():
    from kommunsocial.io._graph_rows import permalink_ids

    assert permalink_ids("https://www.facebook.com/permalink.php?story_fbid=55&id=44&comment_id=66") == \
        ("44", "44_55", "55_66", None)
    assert permalink_ids("https://www.facebook.com/44/posts/55/") is None
    assert permalink_ids("https://www.facebook.com/44/posts/55/?comment_id=abc") is None
    assert permalink_ids(None) is None
