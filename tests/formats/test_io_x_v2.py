"""X API v2 JSON / JSONL reader (twarc2 pages and flattened tweets): values, rules, bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, read_file, x_v2
from kommunsocial.io._tweets import KEYWORD_RULE
from kommunsocial.schema import conform

from ._helpers import (DATA, assert_not_claimed, assert_refused_as, kept_apart, mangle, other_formats, read_or_refused,
                       ts)

X = DATA / "x_v2"
SJOVIK = "218834112"
FJORDVIK = "1122334455"
TESTA = "1455667788990011223"


# -- detection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["search_pages.jsonl", "flat.jsonl", "timeline_page.json"])
def test_detected_from_content(name):
    assert detect(X / name) == "x_v2"


def test_does_not_claim_other_formats():
    assert_not_claimed(x_v2.sniff, other_formats("x_v2"))


# -- raw response pages ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages():
    return read_file(X / "search_pages.jsonl")


def test_pages_found_from_twarc_query(pages):
    assert pages.info["pages_rule"].startswith("twarc query")
    assert pages.info["page_ids"] == [SJOVIK]
    page = pages.pages.iloc[0]
    assert (page["page_id"], page["platform"], page["page_name"], page["handle"], page["followers"]) == (
        SJOVIK, "x", "Sjöviks kommun", "sjovikskommun", 6412)


def test_post_values(pages):
    p = pages.posts.set_index("post_id")
    post = p.loc["1768000000000000101"]
    assert post["page_id"] == SJOVIK and post["platform"] == "x"
    assert post["created_at"] == ts("2024-03-11T12:20:00Z")
    assert post["text"].startswith("Nu öppnar anmälan till sommarlov & fritids ☀️\nLäs mer")  # &amp; undone
    assert post["post_type"] == "photo"  # media key found in includes.media
    assert (post["n_likes"], post["n_reactions"], post["n_comments"], post["n_shares"], post["n_views"]) == (
        17, 17, 3, 4, 2954)  # shares = 3 retweets + 1 quote
    assert "followers_at_posting" not in p or pd.isna(post["followers_at_posting"])  # collection-time count only
    assert post["url"] == "https://x.com/sjovikskommun/status/1768000000000000101"
    assert post["source_row"] == 1 and post["source_format"] == "x_v2"


def test_post_types_and_missing_views(pages):
    p = pages.posts.set_index("post_id")
    assert p.loc["1768000000000000110", "post_type"] == "video"  # "7_" media key without includes.media
    assert p.loc["1768000000000000110", "n_shares"] == 7
    assert p.loc["1400000000000000111", "post_type"] == "status"
    assert pd.isna(p.loc["1400000000000000111", "n_views"])  # 2021 tweet: no impression_count → missing
    assert p.loc["1400000000000000111", "text"] == "Vägarbete <Storgatan> vecka 23"
    link = p.loc["1768000000000000112"]
    assert link["post_type"] == "link" and link["text"].endswith("Ny översiktsplan på remiss. https://t.co/Lk1")
    assert len(link["text"]) > 300  # the long post's full note_tweet text
    assert p.loc["1768000000000000113", "post_type"] == "other"  # poll


def test_post_from_included_tweets(pages):
    # the page's post that a reply answers, present only in includes.tweets
    post = pages.posts.set_index("post_id").loc["1768000000000000100"]
    assert post["source_row"] == 7 and post["n_likes"] == 9 and post["created_at"] == ts("2024-03-10T08:00:00Z")
    assert pages.info["from_context"] == 1


def test_comment_values(pages):
    c = pages.comments.set_index("comment_id")
    reply = c.loc["1768000000000000102"]
    assert reply["post_id"] == "1768000000000000101" and pd.isna(reply["parent_id"])  # reply to the post itself
    assert reply["author_platform_id"] == TESTA and reply["author_name"] == "Testa Testsson"
    assert reply["author_is_page"] == False  # noqa: E712
    assert reply["created_at"] == ts("2024-03-11T12:41:37Z")
    assert (reply["n_likes"], reply["n_replies"]) == (2, 1)
    page_reply = c.loc["1768000000000000103"]
    assert page_reply["parent_id"] == "1768000000000000102" and page_reply["author_is_page"] == True  # noqa: E712
    assert page_reply["text"].startswith("@testa_testsson Ja!") and "\n" in page_reply["text"]
    assert c.loc["1768000000000000104", "parent_id"] == "1768000000000000103"  # reply to the page's reply
    assert c.loc["1768000000000000107", "post_id"] == "1768000000000000100"


def test_kept_apart_and_quarantined(pages):
    info = pages.info
    assert (info["records"], info["retweets"], info["quotes"], info["other_tweets"]) == (16, 1, 1, 2)
    assert info["api_errors"] == 1
    assert not {"1768000000000000105", "1768000000000000106", "1768000000000000114"} & (
        set(pages.posts["post_id"]) | set(pages.comments["comment_id"]))
    q = {r["source_row"]: r for r in pages.quarantine}
    assert set(q) == {15, 16}
    assert "conversation started by an account that is not a page" in q[15]["reason"]
    assert q[16]["column"] == "public_metrics.like_count" and q[16]["reason"] == "negative count -3"
    assert '"author_id": "[redacted]"' in q[16]["record"] and TESTA not in q[16]["record"]
    loaded = len(pages.posts) + len(pages.comments) - info["from_context"]
    assert info["records"] == loaded + len(pages.quarantine) + kept_apart(info)


def test_reply_whose_post_is_not_in_the_file(pages):
    c = pages.comments.set_index("comment_id").loc["1768000000000000115"]
    assert c["post_id"] == "1767000000000000001" and c["parent_id"] == "1767000000000000002"
    assert pages.info["replies_root_not_in_file"] == 1


def test_load_pseudonymises_and_quarantines_orphans():
    ds = ks.load(X / "search_pages.jsonl", salt="test", progress=False)
    assert len(ds.posts) == 6 and len(ds.comments) == 4
    c = ds.comments.set_index("comment_id")
    assert c.loc["1768000000000000103", "author_is_page"] == True  # noqa: E712
    assert c.loc["1768000000000000103", "author_id"] == SJOVIK
    assert c.loc["1768000000000000102", "author_id"].startswith("p_")
    assert c.loc["1768000000000000102", "author_id"] == c.loc["1768000000000000104", "author_id"]  # same person
    reasons = ds.quarantine.set_index("source_row")["reason"]
    assert reasons[13].startswith("comment's post is not in the dataset (post_id 1767000000000000001)")
    assert ds.pages.iloc[0]["platform"] == "x"


# -- flattened tweets ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def flat():
    return read_file(X / "flat.jsonl")


def test_flat_keyword_rule(flat):
    # no account named, no from:/to: query: the authors of the original tweets (201, 204) are the pages
    assert flat.info["pages_rule"] == KEYWORD_RULE and flat.info["pages_named"] is False
    assert flat.info["page_ids"] == [FJORDVIK]
    assert flat.pages.iloc[0]["page_name"] == "Fjordvik kommune" and flat.pages.iloc[0]["followers"] == 2100


def test_flat_values(flat):
    p = flat.posts.set_index("post_id")
    # 200 is only the expanded replied_to tweet of line 6: under the keyword rule context tweets are
    # not read (a twarc2 CSV of the same search does not have them)
    assert sorted(p.index) == ["1769000000000000201", "1769000000000000204"]
    assert p.loc["1769000000000000201", "post_type"] == "photo"  # expanded attachments.media
    assert flat.info["from_context"] == 0 and flat.info["replies_root_not_in_file"] == 1
    c = flat.comments.set_index("comment_id")
    assert c.loc["1769000000000000202", "author_is_page"] == False  # noqa: E712
    assert c.loc["1769000000000000203", "author_is_page"] == True  # noqa: E712
    assert c.loc["1769000000000000203", "parent_id"] == "1769000000000000202"
    assert c.loc["1769000000000000203", "created_at"] == ts("2024-03-13T09:30:00Z")
    assert flat.info["retweets"] == 1 and "1769000000000000205" not in set(p.index) | set(c.index)


@pytest.mark.parametrize("account", ["fjordvikkommune", "@FjordvikKommune", FJORDVIK, ["nobody_here", FJORDVIK]])
def test_account_option(account):
    parsed = read_file(X / "flat.jsonl", account=account)
    assert parsed.info["pages_rule"] == "account option" and parsed.info["page_ids"] == [FJORDVIK]
    assert len(parsed.posts) == 3


def test_account_option_makes_other_authors_citizens():
    # with Ola named as the page, Fjordvik's tweets are someone else's: nothing of the thread is a post
    parsed = read_file(X / "flat.jsonl", account="ola_oppdiktet")
    assert parsed.posts.empty and parsed.info["other_tweets"] == 2
    assert all("not a page" in q["reason"] for q in parsed.quarantine)


def test_named_account_expands_context(flat):
    # named, Fjordvik's post 200 that line 6 answers is read from the expanded replied_to tweet
    p = read_file(X / "flat.jsonl", account="fjordvikkommune").posts.set_index("post_id")
    assert p.loc["1769000000000000200", "source_row"] == 6


def test_unknown_account_is_an_error():
    assert read_file(X / "flat.jsonl", account="nobody_here").info["accounts_not_found"] == ["nobody_here"]
    with pytest.raises(LoadError, match=r"flat\.jsonl: the account\(s\) nobody_here named as pages occur in no X"):
        ks.load(X / "flat.jsonl", salt="test", progress=False, options={"account": ["nobody_here"]})


def test_json_array_of_flat_tweets(tmp_path):
    lines = (X / "flat.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "array.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]", encoding="utf-8")
    parsed = read_file(path)
    assert parsed.info["layout"] == "JSON document"
    assert sorted(parsed.posts["post_id"]) == sorted(read_file(X / "flat.jsonl").posts["post_id"])


def test_fallback_rule_without_conversations(tmp_path):
    t = json.loads((X / "flat.jsonl").read_text(encoding="utf-8").splitlines()[3])  # an original, no replies
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(t) + "\n" + json.dumps({**t, "id": "1769000000000000299", "conversation_id": "1769000000000000299"}) + "\n", encoding="utf-8")
    parsed = read_file(path)
    assert parsed.info["pages_rule"] == KEYWORD_RULE
    assert len(parsed.posts) == 2


# -- one pretty-printed page -------------------------------------------------------------------
def test_timeline_page_document():
    parsed = read_file(X / "timeline_page.json")
    assert parsed.info["layout"] == "JSON document"
    assert parsed.info["pages_rule"].startswith("twarc query")  # /2/users/218834112/tweets
    # the id was written as a 19-digit JSON number: it must survive digit for digit
    assert parsed.posts["post_id"].tolist() == ["1770000000000000301"]
    reply = parsed.comments.iloc[0]
    assert reply["post_id"] == "1769999999999999999" and reply["author_is_page"] == True  # noqa: E712
    assert parsed.info["replies_root_not_in_file"] == 1


def test_single_tweet_lookup(tmp_path):
    doc = json.loads((X / "timeline_page.json").read_text(encoding="utf-8"))
    doc["data"] = doc["data"][0]
    path = tmp_path / "lookup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert read_file(path).posts["post_id"].tolist() == ["1770000000000000301"]


# -- bad input ---------------------------------------------------------------------------------
def test_truncated_document(tmp_path):
    data = (X / "timeline_page.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[:700])
    with pytest.raises(LoadError, match=r"^cut\.json: the JSON ends before it is complete"):
        read_file(path, format="x_v2")


def test_truncated_last_line_is_quarantined(tmp_path):
    data = (X / "flat.jsonl").read_bytes()
    path = tmp_path / "cut.jsonl"
    path.write_bytes(data[: len(data) - 200])
    parsed = read_file(path)
    assert parsed.info["records"] == 6
    [q] = [r for r in parsed.quarantine if r["source_row"] == 6]
    assert "line 6 is not valid JSON" in q["reason"] and "Hvor" not in q["record"]
    loaded = len(parsed.posts) + len(parsed.comments) - parsed.info["from_context"]
    assert parsed.info["records"] == loaded + len(parsed.quarantine) + kept_apart(parsed.info)


def test_html_page_saved_as_json():
    with pytest.raises(LoadError, match=r"^error_page\.json: .*HTML page"):
        read_file(X / "error_page.json")
    with pytest.raises(LoadError, match=r"^error_page\.json: this is an HTML page"):
        x_v2.read(X / "error_page.json", name="error_page.json", options={})


@pytest.mark.parametrize("content, message", [(b"", "the file is empty"), (b"[]", "holds no tweets"),
                                              (b"{}", "holds no tweets"), (b"id,text\n1,a\n", "not JSON")])
def test_empty_or_not_json(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=rf"^bad\.json: .*{message}"):
        x_v2.read(path, name="bad.json", options={})


@pytest.mark.parametrize("other", ["twarc2/tweets.csv", "mcl/comments.json", "mcl/posts.csv"])
def test_wrong_format_given(other):
    assert_refused_as("x_v2", other)


def test_empty_result_page_is_not_an_error(tmp_path):
    path = tmp_path / "none.json"
    path.write_text('{"meta": {"result_count": 0}, "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all"}}')
    parsed = read_file(path)
    assert parsed.posts.empty and parsed.comments.empty and parsed.info["records"] == 0


# -- property: mangled records never crash, nothing is lost --------------------------------------
_BASE = [json.loads(line) for line in (X / "flat.jsonl").read_text(encoding="utf-8").splitlines()]
_FIELDS = ["id", "author_id", "author", "conversation_id", "created_at", "text", "public_metrics",
           "referenced_tweets", "attachments", "entities", "note_tweet"]
_JUNK = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.booleans(),
                  st.text(max_size=12), st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=2),
                  st.dictionaries(st.sampled_from(["id", "type", "text", "x"]), st.text(max_size=4), max_size=2))
_MANGLE = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(_FIELDS), st.none()),
    st.tuples(st.just("set"), st.sampled_from(_FIELDS), _JUNK),
    st.tuples(st.just("count"), st.sampled_from(["like_count", "reply_count", "retweet_count", "impression_count"]),
              st.one_of(st.integers(-1000, -1), st.text(max_size=6), st.floats(allow_nan=False), _JUNK)),
    st.tuples(st.just("set"), st.just("created_at"), st.sampled_from(["2024-13-45T99:00:00.000Z", "igår", "",
                                                                       "Mon Mar 11 12:20:00 +0000 2024", "1e9"])),
    st.tuples(st.just("line"), st.just(""), st.text(max_size=30)),
)


def _apply(record, mangle_):
    kind, field, value = mangle_
    if kind == "line":
        return ("raw", value)
    return mangle(record, kind, field, value, "public_metrics")


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(mangles=st.lists(st.tuples(st.integers(0, len(_BASE) - 1), _MANGLE), max_size=6),
       strip_context=st.booleans())
@pytest.mark.slow  # a property test over many mangled records
def test_mangled_tweets_never_crash(tmp_path, mangles, strip_context):
    records = [dict(t) for t in _BASE]
    if strip_context:  # references as the API gives them, without the expanded copies
        for t in records:
            if "referenced_tweets" in t:
                t["referenced_tweets"] = [{"type": r["type"], "id": r["id"]} for r in t["referenced_tweets"]]
    for index, change in mangles:
        records[index] = _apply(records[index], change)
    lines = [r[1].replace("\n", " ") if isinstance(r, tuple) else json.dumps(r, ensure_ascii=False) for r in records]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    n_in = sum(1 for line in lines if line.strip())
    parsed = read_or_refused(path, "x_v2")
    if parsed is None:
        return
    info = parsed.info
    loaded = len(parsed.posts) + len(parsed.comments) - info["from_context"]
    if info["layout"] == "JSON Lines":
        assert info["records"] == n_in
    assert info["records"] == loaded + len(parsed.quarantine) + kept_apart(info)
    for table in ("posts", "comments", "pages"):
        frame = getattr(parsed, table)
        if len(frame):
            conform(table, frame, derived=False)
    if len(parsed.posts):
        assert (parsed.posts[["n_likes", "n_comments", "n_shares", "n_views"]].fillna(0) >= 0).all().all()
        assert parsed.posts["post_id"].str.fullmatch(r"\d+").all()
