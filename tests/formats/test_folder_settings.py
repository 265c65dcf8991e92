"""A raw folder's own settings (``kommunsocial.json`` / ``mapping.json``): how make loads a CSV from anywhere."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import kommunsocial as ks
from kommunsocial.cli import main
from kommunsocial.errors import LoadError

CSV = ('"id","userid","username","createdDate","tweetText","retweet","reply","like"\n'
       '"1468006387338948615","168325298","lyngstadkommune","2021-12-06 23:56:11","Brøytinga er i gang.",3,1,7\n'
       '"1468001601470218243","92415777","someone","2021-12-06 23:37:10","Snø igjen!",0,0,2\n')
MAPPING = {"table": "posts", "platform": "x",
           "columns": {"post_id": "id", "page_id": "userid", "page_name": "username", "created_at": "createdDate",
                       "text": "tweetText", "n_shares": "retweet", "n_comments": "reply", "n_likes": "like"}}


def _folder(tmp_path, name, doc):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "tweets.csv").write_text(CSV, encoding="utf-8")
    (raw / name).write_text(json.dumps(doc), encoding="utf-8")
    return raw


def _posts(ds):
    return ds.posts.set_index("post_id").sort_index()


def test_settings_file_maps_the_csv(tmp_path):
    raw = _folder(tmp_path, "kommunsocial.json", {"mapping": MAPPING, "timezone": "Europe/Oslo"})
    ds = ks.load(raw, salt="test", progress=False)
    p = _posts(ds)
    assert list(p.index) == ["1468001601470218243", "1468006387338948615"]
    row = p.loc["1468006387338948615"]
    assert (row["page_id"], row["platform"], row["n_shares"], row["n_comments"], row["n_likes"]) == \
        ("168325298", "x", 3, 1, 7)
    assert row["n_reactions"] == 7  # on X the like is the only reaction
    # naive times read in the folder's zone: 23:56 in Oslo (winter, +01:00) is 22:56 UTC
    assert row["created_at"] == pd.Timestamp("2021-12-06 22:56:11", tz="UTC")
    assert ds.manifest["settings"]["file"] == "kommunsocial.json"
    assert {f["file"] for f in ds.manifest["inputs"]} == {"tweets.csv"}  # the settings are not read as data


def test_mapping_json_and_arguments_take_precedence(tmp_path):
    raw = _folder(tmp_path, "mapping.json", MAPPING)
    assert _posts(ks.load(raw, salt="test", progress=False)).loc["1468006387338948615", "created_at"] == \
        pd.Timestamp("2021-12-06 23:56:11", tz="UTC")
    ds = ks.load(raw, salt="test", progress=False, timezone="Europe/Stockholm")
    assert _posts(ds).loc["1468006387338948615", "created_at"] == pd.Timestamp("2021-12-06 22:56:11", tz="UTC")


def test_cli_ingest_of_the_folder_uses_its_settings(tmp_path):
    raw = _folder(tmp_path, "kommunsocial.json", {"mapping": MAPPING})
    assert main(["ingest", str(raw), "--out", str(tmp_path / "processed"), "--quiet", "--salt-file",
                 str(_salt(tmp_path))]) == 0
    posts = pd.read_parquet(tmp_path / "processed" / "posts")
    assert sorted(posts["post_id"]) == ["1468001601470218243", "1468006387338948615"]


def _salt(tmp_path):
    path = tmp_path / "salt"
    path.write_text("test-salt-of-enough-length-0123456789")
    return path


@pytest.mark.parametrize("text, expect", [
    ('{"mapping": {"table": "posts",\n "columns": }', r"kommunsocial\.json, row 2: the folder's settings are not valid JSON"),
    ('["posts"]', r"kommunsocial\.json: the folder's settings must be a JSON object, not list"),
    ('{"mapings": {}}', r"kommunsocial\.json, column 'mapings': unknown setting\(s\) \['mapings'\]"),
    ('{"options": "account"}', r"kommunsocial\.json, column 'options': 'options' must be a JSON object"),
])
def test_bad_settings_are_clear_errors(tmp_path, text, expect):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "tweets.csv").write_text(CSV, encoding="utf-8")
    (raw / "kommunsocial.json").write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=expect):
        ks.load(raw, salt="test", progress=False)


def test_likes_are_not_the_reactions_on_facebook(tmp_path):
    raw = _folder(tmp_path, "kommunsocial.json", {"mapping": {**MAPPING, "platform": "facebook"}})
    p = _posts(ks.load(raw, salt="test", progress=False))
    assert p["n_likes"].tolist() == [2, 7] and p["n_reactions"].isna().all()  # a like is one reaction of several
