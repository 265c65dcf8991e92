"""What an export lacks is warned at ingest, listed in the manifest and in report 01; report 01's
per-file quarantine counts are those of the quarantine table."""

from __future__ import annotations

from pathlib import Path

import pytest

import kommunsocial as ks
from kommunsocial.io._gaps import MissingDataWarning
from kommunsocial.report import quality

POSTS = {"table": "posts", "columns": {"post_id": "id", "page_name": "page", "created_at": "time", "text": "text"}}
COUNTED = {"table": "posts", "columns": {**POSTS["columns"], "n_likes": "likes",
                                         "followers_at_posting": "followers"}}
FULL = {"table": "posts", "columns": {**COUNTED["columns"], "n_comments": "comments", "n_shares": "shares"}}
FULL_CSV = "id,page,time,text,likes,comments,shares,followers\n3,Nesvik,2021-03-01 10:00,Hej!,4,0,1,900\n"
COMMENTS = {"table": "comments", "columns": {"comment_id": "id", "post_id": "post", "created_at": "time",
                                             "text": "text", "author_is_page": "by_page"}}


def _load(tmp_path, files, mapping):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ks.load(tmp_path, salt="test", progress=False, mapping=mapping)


def test_a_file_without_counts_followers_or_text_is_warned_and_listed(tmp_path):
    files = {"bare.csv": "id,page,time,text\n1,Älvby,2021-03-01 10:00,\n2,Älvby,2021-03-02 10:00, \n",
             "full.csv": FULL_CSV}
    with pytest.warns(MissingDataWarning) as caught:
        ds = _load(tmp_path, files, {"bare.csv": POSTS, "full.csv": FULL})
    said = sorted(str(w.message) for w in caught if issubclass(w.category, MissingDataWarning))
    assert said == ["bare.csv (csv): this export has no engagement counts: reactions, comments and shares are "
                    "not available",
                    "bare.csv (csv): this export has no follower counts: per-follower rates are not available",
                    "bare.csv (csv): this export has no post text: the tone of these posts cannot be scored"]
    assert [(g["file"], g["what"]) for g in ds.manifest["missing"]] == [
        ("bare.csv", "post text"), ("bare.csv", "engagement counts"), ("bare.csv", "follower counts")]
    table = quality.export_gaps(ds)
    assert list(table["what"]) == ["engagement counts", "follower counts", "post text"]
    assert set(table["file"]) == {"bare.csv"}


def test_nothing_is_listed_when_every_file_has_everything(tmp_path):
    ds = _load(tmp_path, {"full.csv": FULL_CSV}, {"full.csv": FULL})
    assert ds.manifest["missing"] == []
    assert quality.export_gaps(ds).empty


def test_each_missing_kind_of_count_is_named(tmp_path):
    # likes only (as Instagram: no shares; as an old Graph API response: shares only)
    with pytest.warns(MissingDataWarning):
        ds = _load(tmp_path, {"likes.csv": "id,page,time,text,likes,followers\n3,Nesvik,2021-03-01 10:00,Hej!,4,900\n"},
                   {"likes.csv": COUNTED})
    assert {g["what"]: g["consequence"] for g in ds.manifest["missing"]} == {
        "comment counts": "comments per post and commitment are not available",
        "share counts": "shares per post and virality are not available"}


def test_per_file_quarantine_counts_equal_the_quarantine_table(tmp_path):
    # the comment on post 9 is quarantined after reading (its post is absent); the reader's own
    # count for comments.csv is 0, the quarantine table holds 1, and so must report 01
    files = {"full.csv": "id,page,time,text,likes,followers\n3,Nesvik,2021-03-01 10:00,Hej!,4,900\n"
                         "4,Nesvik,not a time,Hej då,1,900\n",
             "comments.csv": "id,post,time,text,by_page\nc1,3,2021-03-01 11:00,Tack,false\n"
                             "c2,9,2021-03-01 11:00,Va?,false\n"}
    ds = _load(tmp_path, files, {"full.csv": COUNTED, "comments.csv": COMMENTS})
    per_file = quality.rows_per_source(ds)["quarantined"].to_dict()
    table = ds.quarantine["source_file"].astype(str).value_counts().to_dict()
    assert per_file == table == {"comments.csv": 1, "full.csv": 1}
    assert [i["quarantined"] for i in sorted(ds.manifest["inputs"], key=lambda i: i["file"])] == [0, 1]  # as read


@pytest.mark.parametrize("folder, n", [("export_2021", 1), ("export_2025", 2)])  # entries counted in the files
def test_comments_that_name_no_post_are_listed(folder, n):
    from kommunsocial.io import read_file
    from kommunsocial.io._gaps import missing_parts

    (path,) = (Path(__file__).parents[1] / "data" / "dyi" / folder).glob("**/comments.json")
    gaps = {g["what"]: g["consequence"] for g in missing_parts(read_file(path), path.name)}
    quarantined = "1 comment without a post id was" if n == 1 else f"{n} comments without a post id were"
    assert gaps == {"post ids of comments": f"{quarantined} quarantined"}


def test_comments_without_authors_are_listed(tmp_path):
    anonymous = {"table": "comments", "columns": {"comment_id": "id", "post_id": "post", "created_at": "time",
                                                  "text": "text"}}
    files = {"full.csv": FULL_CSV, "comments.csv": "id,post,time,text\nc1,3,2021-03-01 11:00,Tack\n"}
    with pytest.warns(MissingDataWarning, match="comments.csv \\(csv\\): this export has no comment authors: who "
                                                "comments on and replies to whom cannot be drawn"):
        ds = _load(tmp_path, files, {"full.csv": FULL, "comments.csv": anonymous})
    assert [(g["file"], g["what"]) for g in ds.manifest["missing"]] == [("comments.csv", "comment authors")]
    named = _load(tmp_path, {**files, "comments.csv": "id,post,time,text,by\nc1,3,2021-03-01 11:00,Tack,Anna\n"},
                  {"full.csv": FULL, "comments.csv": {"table": "comments",
                                                     "columns": {**anonymous["columns"], "author_name": "by"}}})
    assert named.manifest["missing"] == []
