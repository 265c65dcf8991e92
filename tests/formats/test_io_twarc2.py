"""``twarc2 csv`` reader: the 84-column layout, its quirks, Excel copies and bad input."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, read_file, twarc2
from kommunsocial.schema import conform

from ._helpers import DATA, assert_not_claimed, assert_refused_as, kept_apart, other_formats, read_or_refused, ts

TW = DATA / "twarc2"
SJOVIK = "218834112"
POST = "1771000000000000401"


def rows():
    with open(TW / "tweets.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    return table[0], table[1:]


def write(path, header, body, *, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(body)
    return path


# -- detection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["tweets.csv", "tweets_excel.csv"])
def test_detected_from_content(name):
    assert detect(TW / name) == "twarc2"


def test_does_not_claim_other_formats():
    assert_not_claimed(twarc2.sniff, other_formats("twarc2"))


def test_fixture_has_the_84_columns():
    header, _ = rows()
    assert len(header) == 84 and header[:3] == ["id", "conversation_id", "referenced_tweets.replied_to.id"]


# -- values ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def parsed():
    return read_file(TW / "tweets.csv")


def test_post_values(parsed):
    assert parsed.info["layout"] == "84 columns (twarc-csv 0.7)"
    assert parsed.info["pages_rule"].startswith("twarc query") and parsed.info["page_ids"] == [SJOVIK]
    p = parsed.posts.set_index("post_id")
    post = p.loc[POST]
    assert post["page_id"] == SJOVIK and post["created_at"] == ts("2024-03-18T12:20:00Z")
    assert post["text"] == "Sommarlovsaktiviteter för alla barn!\nAnmäl dig senast 15 april"  # "\n" escape undone
    assert post["post_type"] == "photo"  # attachments.media JSON
    # "2954.0": a decimal count (twarc-csv batch with a missing value) is still the integer 2954
    assert (post["n_views"], post["n_likes"], post["n_reactions"], post["n_comments"], post["n_shares"]) == (
        2954, 17, 17, 2, 4)
    assert post["source_row"] == 4 and post["source_format"] == "twarc2" and post["source_file"] == "tweets.csv"
    old = p.loc["1400000000000000406"]
    assert pd.isna(old["n_views"]) and old["text"] == "Gamla tider\n\nVägarbete" and old["post_type"] == "status"
    assert p.loc["1771000000000000408", "post_type"] == "link"  # entities.urls JSON list
    assert p.loc["1771000000000000410", "post_type"] == "video"  # "7_" media key only
    assert parsed.pages.iloc[0]["followers"] == 6412


def test_comment_values(parsed):
    c = parsed.comments.set_index("comment_id")
    citizen = c.loc["1771000000000000402"]
    assert citizen["post_id"] == POST and pd.isna(citizen["parent_id"])
    assert citizen["text"] == "@sjovikskommun Gäller det fritids & skola?"
    assert citizen["author_platform_id"] == "1455667788990011223" and citizen["author_name"] == "Testa Testsson"
    assert citizen["author_is_page"] == False  # noqa: E712
    page = c.loc["1771000000000000403"]
    assert page["parent_id"] == "1771000000000000402" and page["author_is_page"] == True  # noqa: E712
    assert page["created_at"] == ts("2024-03-18T13:02:05Z") and page["n_likes"] == 4


def test_retweet_quote_and_bad_date(parsed):
    info = parsed.info
    assert (info["records"], info["retweets"], info["quotes"], info["other_tweets"]) == (9, 1, 1, 0)
    ids = set(parsed.posts["post_id"]) | set(parsed.comments["comment_id"])
    assert "1771000000000000405" not in ids and "1771000000000000407" not in ids  # merged retweet, quote
    [q] = parsed.quarantine
    assert (q["source_row"], q["column"], q["reason"]) == (8, "created_at", "not a date and time: 'not a date'")
    assert '"author.name": "[redacted]"' in q["record"] and "Testa Testsson" not in q["record"]
    assert info["records"] == len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine) + 2


def test_load():
    ds = ks.load(TW / "tweets.csv", salt="test", progress=False)
    assert len(ds.posts) == 4 and len(ds.comments) == 2 and len(ds.quarantine) == 1
    c = ds.comments.set_index("comment_id")
    assert c.loc["1771000000000000403", "author_id"] == SJOVIK
    assert c.loc["1771000000000000402", "author_id"].startswith("p_")


def test_ids_survive_as_text(parsed):
    assert parsed.posts["post_id"].dtype == "string"
    assert POST in set(parsed.posts["post_id"])  # 19 digits, > 2**53


# -- Excel copies and older layouts ---------------------------------------------------------------
def test_excel_scientific_ids():
    parsed = read_file(TW / "tweets_excel.csv")  # ';', cp1252, ids as 1,771E+18
    assert parsed.info["encoding"] == "cp1252"
    assert parsed.posts.empty and parsed.comments.empty and len(parsed.quarantine) == 3
    assert all("scientific notation" in q["reason"] and q["column"] == "id" for q in parsed.quarantine)
    with pytest.raises(LoadError, match=r"^tweets_excel\.csv, row 1, column 'id': no record could be loaded"):
        ks.load(TW / "tweets_excel.csv", salt="test", progress=False)


def test_excel_copy_with_intact_ids(tmp_path):
    header, body = rows()
    for r in body:
        r[header.index("created_at")] = r[header.index("created_at")].replace("T", " ").replace(".000Z", "")
        r[header.index("text")] = r[header.index("text")].replace("😊", ":)")
    path = write(tmp_path / "excel.csv", header, body, encoding="cp1252", delimiter=";")
    parsed = read_file(path)
    assert parsed.info["encoding"] == "cp1252"
    post = parsed.posts.set_index("post_id").loc[POST]
    assert post["created_at"] == ts("2024-03-18T12:20:00Z") and post["text"].startswith("Sommarlovsaktiviteter för")
    assert len(parsed.posts) == 4 and len(parsed.comments) == 2


def test_excel_rounded_ids(tmp_path):
    header, body = rows()
    for i, r in enumerate(body):
        r[0] = r[0][:15] + "0000"
    path = write(tmp_path / "rounded.csv", header, body)
    with pytest.raises(LoadError, match=r"^rounded\.csv, column 'id': .*rounded"):
        read_file(path)


def test_older_layout_with_fewer_columns(tmp_path):
    header, body = rows()
    keep = [i for i, h in enumerate(header) if not h.startswith(("edit_", "__twarc", "public_metrics.impression",
                                                                   "public_metrics.bookmark"))]
    path = write(tmp_path / "old.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in body])
    parsed = read_file(path, account="sjovikskommun")
    assert parsed.info["layout"] == f"{len(keep)} columns"
    assert len(parsed.posts) == 4 and parsed.posts["n_views"].isna().all()  # no impression column: missing


# -- bad input ---------------------------------------------------------------------------------
def test_truncated_csv(tmp_path):
    data = (TW / "tweets.csv").read_bytes()
    cut = data.index(b'"[""1771000000000000402') + 5  # ends inside a quoted field of row 3
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(LoadError, match=r"^cut\.csv, row 3: .*ends inside a quoted field"):
        read_file(path)


def test_short_row_is_quarantined(tmp_path):
    header, body = rows()
    body[2] = body[2][:10]
    parsed = read_file(write(tmp_path / "short.csv", header, body))
    [q] = [r for r in parsed.quarantine if r["source_row"] == 3]
    assert q["reason"] == "expected 84 fields, found 10"
    assert parsed.info["records"] == 9


def test_html_page_saved_as_csv(tmp_path):
    path = tmp_path / "page.csv"
    path.write_text("<!DOCTYPE html><html><body>Rate limit exceeded</body></html>")
    with pytest.raises(LoadError, match=r"^page\.csv: .*HTML page"):
        read_file(path)
    with pytest.raises(LoadError, match=r"^page\.csv: this is an HTML page"):
        twarc2.read(path, name="page.csv", options={})


def test_header_only_and_empty(tmp_path):
    header, _ = rows()
    with pytest.raises(LoadError, match=r"^head\.csv, row 1: the file has a header but no tweets"):
        read_file(write(tmp_path / "head.csv", header, []))
    (tmp_path / "empty.csv").write_bytes(b"\n\n")
    with pytest.raises(LoadError, match=r"^empty\.csv: the file is empty"):
        twarc2.read(tmp_path / "empty.csv", name="empty.csv", options={})


def test_not_a_twarc_csv(tmp_path):
    path = write(tmp_path / "other.csv", ["tweet", "when"], [["a", "b"]])
    with pytest.raises(LoadError, match=r"^other\.csv, row 0, column 'id': not a twarc2 CSV"):
        twarc2.read(path, name="other.csv", options={})


@pytest.mark.parametrize("other", ["x_v2/flat.jsonl", "mcl/posts.csv", "mcl/posts_excel.csv"])
def test_wrong_format_given(other):
    assert_refused_as("twarc2", other)


# -- property: mangled cells never crash, nothing is lost ----------------------------------------
_HEADER, _BODY = rows()
_COLUMNS = ["id", "conversation_id", "author_id", "author.id", "created_at", "text", "referenced_tweets.replied_to.id",
            "referenced_tweets.retweeted.id", "public_metrics.like_count", "public_metrics.reply_count",
            "public_metrics.impression_count", "attachments.media", "entities.urls", "author.username"]
_VALUES = st.one_of(st.text(max_size=12), st.integers(-10**6, 10**6).map(str),
                    st.sampled_from(["", "N/A", "-1", "2954.0", "1.5", "1,771E+18", "[", "[1, 2]", "{}", "None",
                                     "2024-02-30T10:00:00.000Z", "True", "1771000000000000401"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(st.integers(0, len(_BODY) - 1), st.sampled_from(_COLUMNS), _VALUES), max_size=8),
       cut=st.sets(st.integers(0, len(_BODY) - 1), max_size=2))
@pytest.mark.slow  # a property test over many mangled records
def test_mangled_cells_never_crash(tmp_path, cells, cut):
    body = [list(r) for r in _BODY]
    for r, column, value in cells:
        body[r][_HEADER.index(column)] = value
    for r in cut:
        body[r] = body[r][:20]  # a row with too few fields
    path = write(tmp_path / "m.csv", _HEADER, body)
    parsed = read_or_refused(path, "twarc2")
    if parsed is None:
        return
    info = parsed.info
    assert info["records"] == len(body)
    loaded = len(parsed.posts) + len(parsed.comments) - info["from_context"]
    assert info["records"] == loaded + len(parsed.quarantine) + kept_apart(info)
    for table in ("posts", "comments", "pages"):
        frame = getattr(parsed, table)
        if len(frame):
            conform(table, frame, derived=False)
