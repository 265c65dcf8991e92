"""Facebook "Download Your Information" reader: mojibake repair, eras by file name, no counts, own comments."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, dyi, read_file

DATA = Path(__file__).parents[1] / "data" / "dyi"
BAD = DATA / "bad"
E25 = DATA / "export_2025" / "this_profile's_activity_across_facebook"
POSTS_2025 = E25 / "posts" / "profile_posts_1.json"
COMMENTS_2025 = E25 / "comments_and_reactions" / "comments.json"
POSTS_2021 = DATA / "export_2021" / "posts" / "your_posts_1.json"
COMMENTS_2021 = DATA / "export_2021" / "comments" / "comments.json"
POSTS_2023 = DATA / "export_2023" / "your_activity_across_facebook" / "posts" / \
    "your_posts__check_ins__photos_and_videos_1.json"
ALL = [POSTS_2025, COMMENTS_2025, POSTS_2021, COMMENTS_2021, POSTS_2023]


def utc(text):
    return pd.Timestamp(text, tz="UTC")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_detected(path):
    assert detect(path) == "dyi"


def test_file_is_pure_ascii_with_escaped_bytes():
    raw = POSTS_2025.read_bytes()
    assert raw.isascii() and b"\\u00c3\\u00b6" in raw  # "ö" written as two escaped bytes


@pytest.mark.parametrize("head,name", [
    # another DYI file (reactions), not posts or comments: not claimed by content alone
    ((BAD / "likes_and_reactions_1.json").read_bytes(), "likes_and_reactions_1.json"),
    # Instagram (text timestamp) and Graph (created_time) and MCL
    (b'{"data": [{"id": "1", "text": "x", "timestamp": "2024-03-11T12:51:09+0000", "username": "a"}]}', "x.json"),
    (b'{"data": [{"id": "1_2", "created_time": "2024-03-11T12:15:02+0000", "message": "x"}]}', "your_posts_1.json"),
    (b'{"data": [{"id": "1", "creation_time": "2024-03-11T12:15:02+0000", "post_id": "2"}]}', "comments.json"),
])
def test_does_not_claim_other_files(head, name):
    assert not dyi.sniff(head, name)


def test_posts_2025_values():
    parsed = read_file(POSTS_2025, name="export_2025/" + str(POSTS_2025.relative_to(DATA / "export_2025").as_posix()))
    assert parsed.info["layout"] == "2025+ Pages"
    posts = parsed.posts.set_index("source_row")
    first = posts.loc[1]
    # mojibake repaired exactly, emoji included
    assert first["text"] == ("Nu öppnar vi anmälan till sommarlovsaktiviteter! ☀️🏊\n"
                             "Anmäl senast 15 april – Åsa & Øyvind hjälper till.")
    assert first["created_at"] == utc("2024-03-11 12:15:02")  # 1710159302
    assert first["post_id"] == "dyi:sjoviks-kommun:1710159302" and first["page_id"] == "dyi:sjoviks-kommun"
    assert [posts.loc[i, "post_type"] for i in range(1, 7)] == ["photo", "link", "video", "album", "status", "event"]
    # no counts in DYI: missing, never 0; no url
    for col in ("n_reactions", "n_likes", "n_comments", "n_shares", "n_views", "url"):
        assert col not in parsed.posts or parsed.posts[col].isna().all()
    # an upload without status text keeps the media caption; an empty entry has empty text
    assert posts.loc[4, "text"] == "Bilder från vinterfesten på torget"
    assert posts.loc[5, "text"] == ""
    # two posts in the same second get distinct ids
    assert (posts.loc[5, "post_id"], posts.loc[6, "post_id"]) == ("dyi:sjoviks-kommun:1704182400",
                                                                  "dyi:sjoviks-kommun:1704182400-2")
    page = parsed.pages.iloc[0]
    assert (page["page_id"], page["page_name"], page["platform"]) == \
        ("dyi:sjoviks-kommun", "Sjöviks kommun", "facebook")


def test_comments_are_the_pages_own():
    parsed = read_file(COMMENTS_2025)
    c = parsed.comments.set_index("source_row")
    assert len(c) == 2 and c["author_is_page"].all()
    assert set(c["author_name"]) == {"Sjöviks kommun"}
    assert c.loc[1, "text"] == "Hej Testa! Vi förstår att det är besvärligt – vi skyltar om via Ängsvägen."
    assert c.loc[1, "created_at"] == utc("2024-03-08 10:05:43")
    assert c["parent_id"].isna().all()
    assert set(c["post_id"]) == {"dyi:sjoviks-kommun:unknown-post"}
    assert c.loc[2, "comment_id"].startswith("dyi:sjoviks-kommun:1710164405:")
    assert "n_likes" not in parsed.comments or parsed.comments["n_likes"].isna().all()
    assert parsed.info["layout"] == "2022+ (comments_v2)"


def test_eras_by_file_name():
    old = read_file(POSTS_2021, name="export_2021/posts/your_posts_1.json")
    assert old.info["layout"] == "≤ 2021"
    assert old.pages.iloc[0]["page_name"] == "Fjordvik kommune"  # from the titles (Norwegian interface)
    assert old.posts.iloc[0]["text"] == "Gott nytt år önskar Fjordvik kommune! 🎆"
    old_comments = read_file(COMMENTS_2021)
    assert old_comments.info["layout"] == "≤ 2021 (comments)"
    assert old_comments.comments.iloc[0]["text"] == "Takk for hyggelige ord, Ola! 😊"
    mid = read_file(POSTS_2023, name="export_2023/your_activity_across_facebook/posts/"
                                      "your_posts__check_ins__photos_and_videos_1.json")
    assert mid.info["layout"] == "2022–2023"
    assert mid.posts.iloc[0]["created_at"] == utc("2023-01-01 08:00:00")


def test_page_id_given_joins_other_formats():
    parsed = read_file(POSTS_2025, page_id="100064512345678")
    assert set(parsed.posts["page_id"]) == {"100064512345678"}
    assert parsed.posts.iloc[0]["post_id"] == "dyi:100064512345678:1710159302"


def test_load_export_folder():
    ds = ks.load(DATA / "export_2025", salt="test", progress=False)
    assert len(ds.posts) == 6 and len(ds.pages) == 1
    assert ds.pages.iloc[0]["page_name"] == "Sjöviks kommun"
    assert ds.posts["n_reactions"].isna().all() and ds.posts["n_comments"].isna().all()
    assert ds.posts["text"].str.contains("Ã").sum() == 0
    # DYI does not say which post a comment is on: the loader keeps them out of the comments table,
    # counted in the quarantine (nothing guessed, nothing lost)
    assert len(ds.comments) == 0
    assert (ds.quarantine["reason"].str.startswith("comment's post is not in the dataset")).sum() == 2
    # the quarantined own comments are the page's, not a private person's
    assert ds.quarantine["record"].str.contains("'author_is_page': 'True'|\"author_is_page\": \"True\"").all()


# -- bad input ---------------------------------------------------------------------------------
def test_truncated(tmp_path):
    path = tmp_path / "profile_posts_1.json"
    path.write_bytes(POSTS_2025.read_bytes()[:900])
    with pytest.raises(LoadError, match=r"profile_posts_1.json: not valid JSON.*line \d+"):
        read_file(path, format="dyi")


def test_html_export_saved_as_json(tmp_path):
    path = tmp_path / "your_posts_1.json"
    path.write_bytes((BAD / "error_page.json").read_bytes())
    with pytest.raises(LoadError, match="your_posts_1.json: this is an HTML page"):
        ks.load(path, salt="test", progress=False)
    with pytest.raises(LoadError, match="your_posts_1.json: this is an HTML page"):
        dyi.read(path, name="your_posts_1.json", options={})


def test_wrong_format_given():
    with pytest.raises(LoadError, match="likes_and_reactions_1.json: format='dyi' was given"):
        read_file(BAD / "likes_and_reactions_1.json", format="dyi")
    fb = Path(__file__).parents[1] / "data" / "graph_api" / "collection" / "posts_page1.json"
    with pytest.raises(LoadError, match="posts_page1.json: format='dyi' was given.*graph_api"):
        read_file(fb, format="dyi")
    with pytest.raises(LoadError, match="excel_resaved.csv: format='dyi' was given"):
        read_file(BAD / "excel_resaved.csv", format="dyi")


def test_not_posts_or_comments(tmp_path):
    path = tmp_path / "comments.json"
    path.write_text('{"timestamp": 1709892343, "other": 1}', encoding="utf-8")
    with pytest.raises(LoadError, match="comments.json: not a DYI posts or comments file"):
        dyi.read(path, name="comments.json", options={})
    path.write_text('{"comments_v2": []}', encoding="utf-8")
    with pytest.raises(LoadError, match="comments.json: the DYI comments file holds no entries"):
        dyi.read(path, name="comments.json", options={})


def test_bad_entries_quarantined(tmp_path):
    entries = json.loads(POSTS_2025.read_text(encoding="ascii"))
    entries[0]["timestamp"] = 17
    entries[1]["data"] = "oops"
    entries.append("stray text")
    path = tmp_path / "profile_posts_1.json"
    path.write_text(json.dumps(entries), encoding="ascii")
    parsed = read_file(path)
    q = [(r["source_row"], r["column"]) for r in parsed.quarantine]
    assert q == [(1, "created_at"), (2, "text"), (7, None)]
    assert len(parsed.posts) == 4


# -- property ----------------------------------------------------------------------------------
_BASES = [json.loads(POSTS_2025.read_text(encoding="ascii")),
          json.loads(COMMENTS_2025.read_text(encoding="ascii"))["comments_v2"]]
_GARBAGE = st.one_of(st.none(), st.integers(-10**12, 10**12), st.text(max_size=12), st.booleans(),
                     st.lists(st.integers(), max_size=2),
                     st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                     st.sampled_from(["-1", "\u00c3\u00b6", "1710159302", ""]))


@st.composite
def _mangled(draw):
    which = draw(st.integers(0, 1))
    entries = copy.deepcopy(_BASES[which])
    for _ in range(draw(st.integers(1, 5))):
        entry = draw(st.sampled_from(entries))
        if not isinstance(entry, dict):
            continue
        target = entry
        if draw(st.booleans()) and isinstance(entry.get("data"), list) and entry["data"] \
                and isinstance(entry["data"][0], dict):
            target = entry["data"][0].get("comment", entry["data"][0])
            if not isinstance(target, dict):
                continue
        key = draw(st.sampled_from(sorted(target) + ["timestamp", "data", "attachments"]))
        action = draw(st.sampled_from(["drop", "garbage"]))
        if action == "drop":
            target.pop(key, None)
        else:
            target[key] = draw(_GARBAGE)
    if draw(st.booleans()):
        entries.append(draw(_GARBAGE))
    doc = entries if which == 0 else {"comments_v2": entries}
    return which, doc, len(entries)


@pytest.mark.slow  # a property test over many mangled records
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=_mangled())
def test_property_mangled_entries(tmp_path_factory, case):
    which, doc, n_in = case
    path = tmp_path_factory.mktemp("m") / ("profile_posts_1.json" if which == 0 else "comments.json")
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        parsed = read_file(path, format="dyi")
    except LoadError as exc:
        assert path.name in str(exc)
        return
    assert len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine) == n_in
