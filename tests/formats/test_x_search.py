"""An X keyword search in every twarc2 file type: the same pages, posts and comments, merged when
a folder holds several, the municipalities' accounts named by option, ``--account`` or
``pages.csv``, and a warning while they are not.

``tests/data/x_v2/keyword_search.jsonl`` is a hand-made ``twarc2 search "snöröjning"`` (two
response pages, one with an API error object); ``x_v2/keyword_search_flat.jsonl`` and
``twarc2/keyword_search.csv`` are what ``twarc2 flatten`` and ``twarc2 csv`` (twarc 2.14,
twarc-csv 0.7.2) wrote from it. Its seven tweets:

====  ======================  ==================================================================
0501  Sjöviks kommun          original, a photo: 15 likes, 2 replies, 2 retweets, 1 quote
0502  Testa (citizen)         reply to 0501
0503  Sjöviks kommun          reply to 0502: the page answering
0504  Ola (citizen)           original
0505  Kari (citizen)          retweet of 0501
0506  Kari (citizen)          reply to 0400, a tweet of Väderbloggen that the search did not return
0507  Fjordvik kommune        quote of 0501
====  ======================  ==================================================================
"""

from __future__ import annotations

import json
import shutil
import warnings

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.cli import main
from kommunsocial.errors import LoadError
from kommunsocial.io._gaps import MissingDataWarning

from ._helpers import DATA

FILES = {"search.jsonl": DATA / "x_v2" / "keyword_search.jsonl",
         "search_flat.jsonl": DATA / "x_v2" / "keyword_search_flat.jsonl",
         "search.csv": DATA / "twarc2" / "keyword_search.csv"}
TYPES = list(FILES)
SJ, FJ, OLA = "218834112", "1122334455", "1700000000000000001"
P = "177200000000000"
KEYS = {"pages": "page_id", "posts": "post_id", "comments": "comment_id"}


def load(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)
        return ks.load(path, salt="test", progress=False, options=options or None)


def tables(ds) -> dict:
    """pages, posts and comments without the columns that say which file a row came from."""
    out = {}
    for name, key in KEYS.items():
        frame = getattr(ds, name)
        frame = frame.drop(columns=[c for c in frame if c.startswith("source_")])
        out[name] = frame.sort_values(key).reset_index(drop=True)
    return out


def assert_same(a, b):
    for name in KEYS:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True)


@pytest.fixture(scope="module")
def each():
    return {name: load(FILES[name]) for name in TYPES}


# -- a keyword search: the authors of its original tweets are the pages ---------------------------
@pytest.mark.parametrize("name", TYPES)
def test_keyword_search_values(each, name):
    ds = each[name]
    # originals 0501 (Sjövik), 0504 (Ola), 0507 (Fjordvik): their authors, a citizen among them
    assert ds.pages.set_index("page_id")["page_name"].to_dict() == {
        FJ: "Fjordvik kommune", OLA: "Ola Oppdiktet", SJ: "Sjöviks kommun"}
    assert ds.pages.set_index("page_id").loc[SJ, "followers"] == 6412
    p = ds.posts.set_index("post_id")
    assert sorted(p.index) == [P + "0501", P + "0504", P + "0507"]
    post = p.loc[P + "0501"]
    assert post["page_id"] == SJ and post["post_type"] == "photo"
    assert (post["n_likes"], post["n_comments"], post["n_shares"]) == (15, 2, 3)  # shares: 2 retweets + 1 quote
    assert "kommunen & vi" in post["text"]  # &amp; undone
    assert p.loc[P + "0507", "post_type"] == "link" and p.loc[P + "0504", "post_type"] == "status"
    c = ds.comments.set_index("comment_id")
    assert sorted(c.index) == [P + "0502", P + "0503"]
    assert c.loc[P + "0502", "post_id"] == P + "0501" and pd.isna(c.loc[P + "0502", "parent_id"])
    assert not c.loc[P + "0502", "author_is_page"] and c.loc[P + "0502", "author_id"].startswith("p_")
    assert c.loc[P + "0503", "parent_id"] == P + "0502"
    assert c.loc[P + "0503", "author_is_page"] and c.loc[P + "0503", "author_id"] == SJ
    # 0506 answers a tweet the search did not return; the retweet 0505 is kept apart
    q = ds.quarantine
    assert len(q) == 1 and q.iloc[0]["reason"].startswith(f"comment's post is not in the dataset (post_id {P}0400)")
    assert ds.manifest["inputs"][0]["retweets"] == 1


def test_same_tables_from_every_file_type(each):
    first = tables(each[TYPES[0]])
    for name in TYPES[1:]:
        assert_same(first, tables(each[name]))


@pytest.mark.parametrize("name", TYPES)
def test_keyword_search_is_said(name):
    with pytest.warns(MissingDataWarning, match="this is a keyword search: its authors were taken as pages"):
        ds = ks.load(FILES[name], salt="test", progress=False)
    gaps = [g for g in ds.manifest["missing"] if g["what"] == "named accounts"]
    assert [g["file"] for g in gaps] == [FILES[name].name]
    assert "ACCOUNTS=" in gaps[0]["consequence"] and "pages.csv" in gaps[0]["consequence"]
    assert ks.report.quality.export_gaps(ds)["what"].tolist() == ["named accounts"]
    # report 01 shows the sentence whole, not cut after 50 characters
    shown = ks.report.render.show(ks.report.quality.export_gaps(ds), empty="", wrap=["consequence"]).to_html()
    assert "name the municipalities&#39; accounts with ACCOUNTS= (make), --account" in shown


# -- several files of one search in one folder ---------------------------------------------------
def test_a_folder_of_every_type_and_a_later_copy_is_one_set(tmp_path, each):
    for name in TYPES:
        shutil.copy(FILES[name], tmp_path / name)
    # the same search saved again the next day: 0501 has one like more
    later = [json.loads(line) for line in FILES["search.jsonl"].read_text(encoding="utf-8").splitlines()]
    for page in later:
        for t in page["data"] + page["includes"]["tweets"]:
            if t["id"] == P + "0501":
                t["public_metrics"]["like_count"] = 16
    (tmp_path / "search_later.jsonl").write_text("".join(json.dumps(p) + "\n" for p in later), encoding="utf-8")
    ds = load(tmp_path)
    assert len(ds.pages) == 3 and len(ds.posts) == 3 and len(ds.comments) == 2
    # 4 files x 3 posts: 8 exact repeats dropped, the grown 0501 merged into the first read (15 likes)
    assert ds.manifest["duplicates_dropped"] == {"posts": 8, "comments": 9}  # 0502, 0503, 0506: 3 repeats each
    assert ds.manifest["merged_across_formats"] == {"posts": 1, "comments": 0}
    assert ds.posts.set_index("post_id").loc[P + "0501", "n_likes"] == 15
    assert len(ds.quarantine) == 1  # 0506 once, not once per file
    shown = ks.report.quality.overview(ds)["value"]
    assert (shown["exact duplicates dropped"], shown["records read again and merged"]) == ("17", "1")
    assert_same(tables(ds), tables(each["search.jsonl"]))


# -- naming the municipalities' accounts -----------------------------------------------------------
@pytest.fixture(scope="module")
def named():
    return {name: load(FILES[name], account=["sjovikskommun", "@FjordvikKommune"]) for name in TYPES}


def test_named_accounts(named):
    ds = named["search.csv"]
    assert sorted(ds.pages["page_id"]) == [FJ, SJ]  # Ola's tweet is no longer a post
    assert sorted(ds.posts["post_id"]) == [P + "0501", P + "0507"]
    assert sorted(ds.comments["comment_id"]) == [P + "0502", P + "0503"]
    assert "named accounts" not in [g["what"] for g in ds.manifest["missing"]]
    first = tables(named[TYPES[0]])
    for name in TYPES[1:]:
        assert_same(first, tables(named[name]))


def test_pages_csv_names_the_accounts_by_handle(tmp_path, named):
    shutil.copy(FILES["search.csv"], tmp_path / "search.csv")
    (tmp_path / "pages.csv").write_text("platform,handle,page_name,municipality_code,country\n"
                                        "x,sjovikskommun,Sjöviks kommun,0639,SE\n"
                                        "x,FjordvikKommune,Fjordvik kommune,1118,NO\n", encoding="utf-8")
    ds = load(tmp_path)
    pages = ds.pages.set_index("page_id")
    assert pages["municipality_code"].to_dict() == {FJ: "1118", SJ: "0639"}  # the user id from the tweets
    assert pages.loc[SJ, "followers"] == 6412 and pages.loc[SJ, "handle"] == "sjovikskommun"
    assert sorted(ds.posts["post_id"]) == sorted(named["search.csv"].posts["post_id"])
    assert "named accounts" not in [g["what"] for g in ds.manifest["missing"]]


def test_a_context_reply_outside_the_files_threads_is_not_read(tmp_path, named):
    # a reply to a tweet 0300 that no file holds, travelling only as context: no record of the file
    pages = [json.loads(line) for line in FILES["search.jsonl"].read_text(encoding="utf-8").splitlines()]
    pages[0]["includes"]["tweets"].append({
        "id": P + "0401", "text": "@vaderbloggen Oj", "author_id": "1455667788990011223", "conversation_id": P + "0300",
        "created_at": "2024-01-14T21:00:00.000Z", "referenced_tweets": [{"type": "replied_to", "id": P + "0300"}],
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0}})
    path = tmp_path / "search.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    ds = load(path, account=["sjovikskommun", "fjordvikkommune"])
    assert len(ds.quarantine) == len(named["search.jsonl"].quarantine) == 1  # 0506, a record; not 0401
    assert_same(tables(ds), tables(named["search.jsonl"]))


def test_a_misspelt_account_is_an_error():
    with pytest.raises(LoadError, match=r"search\.csv: the account\(s\) sjovikskomun named as pages occur in no X"):
        load(FILES["search.csv"], account="sjovikskomun")


def test_ingest_account_option(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KOMMUNSOCIAL_SALT", "test")
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in TYPES:
        shutil.copy(FILES[name], raw / name)
    assert main(["ingest", str(raw), "--out", str(tmp_path / "kw"), "--quiet"]) in (0, None)
    said = capsys.readouterr().out
    assert ": 3 pages, 3 posts, 2 comments, 1 quarantined" in said
    assert "read more than once and merged into one record: 6 posts, 6 comments" in said
    assert "no named accounts: this is a keyword search" in said
    assert main(["ingest", str(raw), "--out", str(tmp_path / "named"), "--quiet",
                 "--account", "sjovikskommun", "--account", "fjordvikkommune,218834112"]) in (0, None)
    said = capsys.readouterr().out
    assert ": 2 pages, 2 posts, 2 comments, 1 quarantined" in said and "keyword search" not in said


def test_kommunsocial_json_names_the_accounts(tmp_path, named):
    shutil.copy(FILES["search.csv"], tmp_path / "search.csv")
    (tmp_path / "kommunsocial.json").write_text('{"options": {"account": ["sjovikskommun", "fjordvikkommune"]}}',
                                                encoding="utf-8")
    assert_same(tables(load(tmp_path)), tables(named["search.csv"]))
