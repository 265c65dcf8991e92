"""Instagram Graph API reader: media, two-level comment threads, the account's own replies, bad input."""

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
from kommunsocial.io import detect, instagram, read_file

from ._helpers import MANGLED_RUNS, assert_every_record_counted, by, garbage, nested_records

DATA = Path(__file__).parents[1] / "data" / "instagram"
COLL = DATA / "collection"
BAD = DATA / "bad"
ACCOUNT = "17841401234567890"
COMMENTS = COLL / "comments_17993456781234567.json"


@pytest.mark.parametrize("path", sorted(COLL.iterdir()), ids=lambda p: p.name)
def test_detects_every_collection_file(path):
    assert detect(path) == "instagram"


@pytest.mark.parametrize("head", [
    # Facebook Graph page posts
    b'{"data": [{"id": "100064512345678_812345678901234", "created_time": "2024-03-11T12:15:02+0000", '
    b'"message": "Hej", "permalink_url": "https://www.facebook.com/x"}]}',
    # MCL Instagram posts
    b'{"data": [{"id": "1", "text": "x", "creation_time": "2024-03-11T12:15:02+0000", "statistics": '
    b'{"like_count": 3}, "post_owner": {"username": "sjovikskommun"}}]}',
    # DYI (numeric timestamp)
    b'{"comments_v2": [{"timestamp": 1709892343, "data": [{"comment": {"comment": "x"}}]}]}',
    # X API v2 (username in includes, created_at)
    b'{"data": [{"id": "1", "text": "x", "created_at": "2024-03-11T13:15:44.000Z"}], "includes": {"users": '
    b'[{"id": "2", "username": "sjovikskommun"}]}}',
])
def test_does_not_claim_other_formats(head):
    assert not instagram.sniff(head, "data.json")


def test_media_values():
    parsed = read_file(COLL / "media.json")
    m = by(parsed.posts, "post_id")
    assert list(parsed.posts["post_id"]) == ["17993456781234567", "17887654329876543", "18012345678901234"]
    # the account id comes from the request URL (/{ig-user-id}/media)
    assert set(parsed.posts["page_id"]) == {ACCOUNT} and set(parsed.posts["platform"]) == {"instagram"}
    carousel = m.loc["17993456781234567"]
    assert carousel["created_at"] == pd.Timestamp("2024-03-11 12:30:00", tz="UTC")
    assert carousel["text"].startswith("Nu öppnar anmälan") and "#sommarlov" in carousel["text"]
    assert (carousel["post_type"], carousel["n_likes"], carousel["n_reactions"], carousel["n_comments"]) == \
        ("album", 341, 341, 12)
    assert carousel["url"] == "https://www.instagram.com/p/C4XkQ2aLm9T/"
    assert pd.isna(carousel["n_shares"]) if "n_shares" in m else True
    assert m.loc["17887654329876543", "post_type"] == "reel"        # media_product_type REELS
    image = m.loc["18012345678901234"]
    assert image["post_type"] == "photo"
    assert pd.isna(image["n_likes"]) and pd.isna(image["n_reactions"])  # likes hidden: missing, not 0
    assert image["n_comments"] == 0
    page = parsed.pages.iloc[0]
    assert (page["page_id"], page["handle"]) == (ACCOUNT, "sjovikskommun") and pd.isna(page.get("page_name"))


def test_two_level_comment_threads():
    parsed = read_file(COMMENTS)
    c = by(parsed.comments, "comment_id")
    assert set(c["post_id"]) == {"17993456781234567"}  # from the file name
    assert pd.isna(c.loc["17858893269001234", "parent_id"])
    assert c.loc["17899887766554433", "parent_id"] == "17858893269001234"   # parent_id field
    assert c.loc["17912345098765432", "parent_id"] == "17858893269001234"   # nesting under replies{}
    reply = c.loc["17899887766554433"]
    assert (reply["author_name"], reply["author_platform_id"]) == ("sjovikskommun", ACCOUNT)
    assert reply["created_at"] == pd.Timestamp("2024-03-11 13:05:44", tz="UTC")
    assert reply["n_likes"] == 1
    # the file does not show the account: unknown here, recognised by the loader (see below)
    assert c["author_is_page"].isna().all()
    assert pd.isna(c.loc["17866554433221100", "n_likes"])  # like_count not returned
    assert c["n_replies"].isna().all() if "n_replies" in c else True
    assert list(parsed.comments.sort_values("source_row")["comment_id"]) == [
        "17858893269001234", "17899887766554433", "17912345098765432", "17877665544332211", "17866554433221100"]


def test_account_node_with_media_and_comments():
    parsed = read_file(COLL / "account_node.json")
    page = parsed.pages.iloc[0]
    assert (page["page_id"], page["page_name"], page["handle"], page["followers"]) == \
        (ACCOUNT, "Sjöviks kommun", "sjovikskommun", 8421)
    c = by(parsed.comments, "comment_id")
    assert set(c["post_id"]) == {"17887654329876543"}
    own = c.loc["17900000000000002"]
    assert own["author_is_page"] and own["parent_id"] == "17900000000000001"  # ``user`` marks own comments
    assert c.loc["17900000000000001", "author_is_page"] == False  # noqa: E712  (account known: another author)


@pytest.fixture(scope="module")
def dataset():
    return ks.load(COLL, salt="test", progress=False)


def test_load_recognises_the_accounts_replies(dataset):
    c = by(dataset.comments, "comment_id")
    # media 17887654329876543 is in media.json and in the account node: one post
    assert len(dataset.posts) == 3 and dataset.manifest["duplicates_dropped"]["posts"] == 1
    assert len(dataset.comments) == 7 and len(dataset.quarantine) == 0
    assert c.loc["17899887766554433", "author_is_page"] and c.loc["17899887766554433", "author_id"] == ACCOUNT
    assert c.loc["17900000000000002", "author_is_page"]
    other = c.loc["17858893269001234"]
    assert not other["author_is_page"] and other["author_id"] not in ("testa.testsson", "17841455566677788")
    # the page gets the account's name and followers from the user node
    pages = by(dataset.pages, "page_id")
    assert pages.loc[ACCOUNT, "page_name"] == "Sjöviks kommun" and pages.loc[ACCOUNT, "followers"] == 8421


def test_comment_without_media_is_quarantined(tmp_path):
    path = tmp_path / "comments.json"
    path.write_bytes(COMMENTS.read_bytes())
    parsed = read_file(path)
    assert len(parsed.comments) == 0 and len(parsed.quarantine) == 5
    assert parsed.quarantine[0]["column"] == "post_id" and "media" in parsed.quarantine[0]["reason"]
    assert "testa.testsson" not in parsed.quarantine[0]["record"]  # identities redacted
    assert len(read_file(path, post_id="17993456781234567").comments) == 5


# -- bad input ---------------------------------------------------------------------------------
def test_truncated(tmp_path):
    path = tmp_path / "media.json"
    path.write_bytes((COLL / "media.json").read_bytes()[:700])
    with pytest.raises(LoadError, match=r"media.json: not valid JSON.*line \d+"):
        read_file(path, format="instagram")


def test_html_saved_as_json():
    with pytest.raises(LoadError, match="error_page.json: this is an HTML page"):
        ks.load(BAD / "error_page.json", salt="test", progress=False)
    with pytest.raises(LoadError, match="error_page.json: this is an HTML page"):
        instagram.read(BAD / "error_page.json", name="error_page.json", options={})


def test_wrong_format_given():
    fb = Path(__file__).parents[1] / "data" / "graph_api" / "collection" / "posts_page1.json"
    with pytest.raises(LoadError, match=r"posts_page1.json: format='instagram' was given.*looks like graph_api"):
        read_file(fb, format="instagram")
    with pytest.raises(LoadError, match="excel_resaved.csv: format='instagram' was given"):
        read_file(BAD / "excel_resaved.csv", format="instagram")


def test_bad_values_quarantined(tmp_path):
    doc = json.loads((COLL / "media.json").read_text(encoding="utf-8"))
    doc["data"][0]["like_count"] = -3
    doc["data"][1]["timestamp"] = "2024-02-30T16:05:12+0000"
    doc["data"][2]["caption"] = {"text": "x"}
    path = tmp_path / "media.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    parsed = read_file(path)
    q = [(r["source_row"], r["column"], r["reason"]) for r in parsed.quarantine]
    assert q[0][:2] == (1, "n_reactions") and "negative count -3" in q[0][2]
    assert q[1][:2] == (2, "created_at")
    assert q[2] == (3, "text", "'caption' should be text, found an object")


# -- property ----------------------------------------------------------------------------------
_BASES = [json.loads((COLL / "media.json").read_text(encoding="utf-8")),
          json.loads(COMMENTS.read_text(encoding="utf-8"))]
_GARBAGE = garbage("-1", "not a date", "2024-99-01T00:00:00+0000", "")


def _records(doc):
    return nested_records(doc["data"], "replies")


@st.composite
def _mangled(draw):
    doc = copy.deepcopy(draw(st.sampled_from(_BASES)))
    records = [r for r in _records(doc) if isinstance(r, dict)]
    for _ in range(draw(st.integers(1, 6))):
        rec = draw(st.sampled_from(records))
        key = draw(st.sampled_from(sorted(rec) + ["from", "media", "user", "owner"]))
        action = draw(st.sampled_from(["drop", "garbage", "negative"]))
        if action == "drop":
            rec.pop(key, None)
        elif action == "garbage":
            rec[key] = draw(_GARBAGE)
        else:
            rec[key] = -draw(st.integers(1, 1000))
    if draw(st.booleans()):
        doc["data"].append(draw(_GARBAGE))
    return doc


@pytest.mark.slow  # a property test over many mangled records
@MANGLED_RUNS
@given(doc=_mangled())
def test_property_mangled_records(tmp_path_factory, doc):
    assert_every_record_counted(tmp_path_factory.mktemp("m"), "comments_17993456781234567.json", doc, "instagram",
                                len(_records(doc)))


def test_business_discovery_reads_the_discovered_account():
    """``business_discovery`` is how a researcher reads an account they do not manage: the node inside it
    is the account (the requesting account's ``id`` beside it is not a page)."""
    path = DATA / "business_discovery.json"
    assert detect(path) == "instagram"
    parsed = read_file(path)
    page = parsed.pages.iloc[0]
    assert len(parsed.pages) == 1
    assert (page["page_id"], page["page_name"], page["handle"], page["followers"]) == \
        ("17841409876543210", "Lyngstad kommune", "lyngstadkommune", 5120)
    p = by(parsed.posts, "post_id")
    assert list(p.index) == ["17990000000000001", "17990000000000002"]
    assert set(p["page_id"]) == {"17841409876543210"}
    assert p["n_likes"].tolist() == [31, 12] and p["n_comments"].tolist() == [4, 0]
    assert p["post_type"].tolist() == ["photo", "reel"]
    assert p.loc["17990000000000002", "text"] == ""
    assert str(p.loc["17990000000000001", "created_at"]) == "2024-01-15 06:10:00+00:00"
