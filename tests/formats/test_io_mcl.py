"""Meta Content Library reader: posts CSV, comments JSON / JSONL, quirks and bad input."""

from __future__ import annotations

import csv
import json
import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import detect, mcl, read_file
from kommunsocial.schema import conform

from ._helpers import DATA, assert_not_claimed, assert_refused_as, mangle, other_formats, read_or_refused, ts

MCL = DATA / "mcl"
SJOVIK = "1007788990011223"
FJORDVIK = "1004455667788990"


# -- detection ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["posts.csv", "posts_bad_rows.csv", "posts_excel.csv", "posts_ui_labels.csv",
                                  "comments.json", "comments.jsonl"])
def test_detected_from_content(name):
    assert detect(MCL / name) == "mcl"


def test_does_not_claim_other_formats():
    assert_not_claimed(mcl.sniff, other_formats("mcl"))


# -- posts -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def posts():
    return read_file(MCL / "posts.csv")


def test_posts_values(posts):
    p = posts.posts.set_index("post_id")
    assert len(p) == 5
    first = p.loc["1090000000000000001"]
    assert first["page_id"] == SJOVIK
    assert first["platform"] == "facebook"
    assert first["created_at"] == ts("2024-03-11T12:15:02Z")
    assert first["text"].startswith("Nu öppnar vi anmälan") and "\n" in first["text"]  # multi-line quoted field
    assert first["post_type"] == "photo"
    assert (first["n_reactions"], first["n_likes"], first["n_love"], first["n_haha"], first["n_wow"], first["n_sad"],
            first["n_angry"], first["n_care"]) == (249, 212, 27, 1, 2, 0, 3, 4)
    assert (first["n_comments"], first["n_shares"]) == (38, 41)
    assert pd.isna(first["n_views"])  # views absent for a photo: missing, not 0
    assert first["url"].endswith("/facebook/entity/1090000000000000001")
    assert first["source_row"] == 1 and first["source_format"] == "mcl" and first["source_file"] == "posts.csv"


def test_posts_quirks(posts):
    p = posts.posts.set_index("post_id")
    video = p.loc["1090000000000000002"]
    assert video["post_type"] == "video" and video["n_views"] == 5310  # plural API value "videos"
    reshare = p.loc["1090000000000000003"]
    assert reshare["post_type"] == "link" and reshare["text"] == ""  # "reshares", no text
    assert pd.isna(p.loc["1090000000000000004", "n_shares"])  # empty share_count stays missing
    assert p.loc["1090000000000000004", "n_angry"] == 22
    # an ISO time with another offset is converted to UTC
    assert p.loc["1090000000000000005", "created_at"] == ts("2024-06-01T08:00:00Z")
    # MCL ids are kept exactly as exported (they are not Graph ids, so no "<page>_<post>" form)
    assert all(pid.isdigit() and "_" not in pid for pid in p.index)


def test_posts_pages(posts):
    pages = posts.pages.set_index("page_id")
    assert set(pages.index) == {SJOVIK, FJORDVIK}
    assert pages.loc[FJORDVIK, "page_name"] == "Fjordvik kommune"
    assert pages.loc[FJORDVIK, "handle"] == "fjordvikkommune"


def test_posts_conform_to_data_model(posts):
    frame = conform("posts", posts.posts, derived=False)
    assert frame["post_id"].dtype == "string"
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"


def test_bad_rows_are_quarantined():
    parsed = read_file(MCL / "posts_bad_rows.csv")
    assert parsed.posts["post_id"].tolist() == ["1090000000000000011"]
    q = {r["source_row"]: r for r in parsed.quarantine}
    assert set(q) == {2, 3, 4, 5}
    assert q[2]["column"] == "statistics.like_count" and "negative count -5" in q[2]["reason"]
    assert q[3]["column"] == "creation_time" and "igår kväll" in q[3]["reason"]
    assert q[4]["column"] == "page_id" and q[4]["reason"] == "required value is missing"
    assert "expected 30 fields, found 5" in q[5]["reason"]
    assert all(r["source_file"] == "posts_bad_rows.csv" and r["source_format"] == "mcl" for r in q.values())


def test_excel_resaved_csv():
    parsed = read_file(MCL / "posts_excel.csv")  # ';', Windows-1252, day-first dates without zone
    assert parsed.info["encoding"] == "cp1252"
    p = parsed.posts.set_index("post_id")
    assert p.loc["1090000000000000001", "text"] == "Nu öppnar vi anmälan – välkomna!"
    assert p.loc["1090000000000000001", "created_at"] == ts("2024-03-11T12:15:00Z")  # naive MCL times are UTC
    assert p.loc["1090000000000000004", "n_shares"] == 19
    assert pd.isna(p.loc["1090000000000000004", "n_love"])  # column absent: missing


def _write_excel(path, ids):
    with open(path, "w", encoding="cp1252", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["id", "creation_time", "statistics.reaction_count", "post_owner.id", "post_owner.name", "text"])
        for i in ids:
            w.writerow([i, "11/03/2024 12:15", "5", SJOVIK, "Sjöviks kommun", "Hej"])


def test_excel_scientific_ids_are_quarantined_and_load_fails(tmp_path):
    path = tmp_path / "mcl_excel_sci.csv"
    _write_excel(path, ["1,09E+15", "1,09E+15"])
    parsed = read_file(path, format="mcl")
    assert parsed.posts.empty and len(parsed.quarantine) == 2
    assert "scientific notation" in parsed.quarantine[0]["reason"] and parsed.quarantine[0]["column"] == "id"
    with pytest.raises(LoadError, match=r"mcl_excel_sci\.csv, row 1, column 'id'.*scientific notation"):
        ks.load(path, format="mcl", salt="test", progress=False)


def test_excel_rounded_ids_raise(tmp_path):
    path = tmp_path / "mcl_rounded.csv"
    _write_excel(path, [f"1090000000000{i}000" for i in range(10, 16)])
    with pytest.raises(LoadError, match=r"mcl_rounded\.csv, column 'id'.*rounded"):
        read_file(path, format="mcl")


def test_ui_labels():
    p = read_file(MCL / "posts_ui_labels.csv").posts.iloc[0]
    assert (p["post_id"], p["page_id"], p["text"], p["n_reactions"], p["n_comments"], p["n_shares"]) == (
        "1090000000000000021", SJOVIK, "Hej Sjövik", 5, 1, 0)
    assert pd.isna(p["n_views"])


# -- comments ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def comments():
    return read_file(MCL / "comments.json")


def test_comment_values(comments):
    c = comments.comments.set_index("comment_id")
    assert len(c) == 9
    top = c.loc["1200000000000000101"]
    assert top["post_id"] == "1090000000000000001" and pd.isna(top["parent_id"])
    assert top["author_name"] == "Testa Testsson" and top["author_platform_id"] == "1300000000000000088"
    assert top["author_is_page"] == False  # noqa: E712 - a profile is never the page
    assert top["created_at"] == ts("2024-03-11T12:41:37Z")
    assert top["n_likes"] == 14 and top["n_replies"] == 2  # direct replies, not the subtree's 3
    assert c.loc["1200000000000000102", "parent_id"] == "1200000000000000101"
    assert c.loc["1200000000000000103", "parent_id"] == "1200000000000000102"  # reply to a reply
    assert c.loc["1200000000000000102", "text"].endswith("/Linnea, kommunikatör")


def test_comment_quirks(comments):
    c = comments.comments.set_index("comment_id")
    private = c.loc["1200000000000000104"]
    assert pd.isna(private["author_name"]) and private["author_platform_id"] == "1300000000000000099"
    assert pd.isna(private["n_likes"]) and pd.isna(private["n_replies"])  # no statistics: missing, not 0
    assert c.loc["1200000000000000105", "text"] == ""  # sticker-only comment
    assert pd.isna(c.loc["1200000000000000106", "parent_id"])  # parent is the post itself → top level
    # a 19-digit id written as a JSON number survives digit for digit, as the reply's parent too
    assert "1234567890123456789" in c.index
    assert c.loc["1200000000000000108", "parent_id"] == "1234567890123456789"
    # another page's comment is left for the loader to judge
    assert pd.isna(c.loc["1200000000000000109", "author_is_page"])


def test_account_option_marks_page_comments():
    c = read_file(MCL / "comments.json", account=[SJOVIK]).comments.set_index("comment_id")
    assert c.loc["1200000000000000102", "author_is_page"] == True  # noqa: E712


def test_load_posts_and_comments_together(tmp_path):
    for name in ("posts.csv", "comments.json"):
        shutil.copy(MCL / name, tmp_path / name)
    ds = ks.load(tmp_path, salt="test", progress=False)
    assert len(ds.posts) == 5 and len(ds.comments) == 9 and len(ds.quarantine) == 0
    c = ds.comments.set_index("comment_id")
    # the page's own replies, recognised by the owner's MCL id = the post's page id
    assert c.loc["1200000000000000102", "author_is_page"] == True  # noqa: E712
    assert c.loc["1200000000000000102", "author_id"] == SJOVIK
    assert c.loc["1200000000000000108", "author_is_page"] == True  # noqa: E712
    assert c.loc["1200000000000000109", "author_is_page"] == False  # noqa: E712 - a bakery is not the page
    # commenters are pseudonymised; the private person still gets a stable pseudonym
    assert c.loc["1200000000000000104", "author_id"].startswith("p_")
    assert c.loc["1200000000000000101", "author_id"].startswith("p_")
    assert "author_name" not in ds.comments and "author_platform_id" not in ds.comments


def test_jsonl_with_truncated_last_line():
    parsed = read_file(MCL / "comments.jsonl")
    c = parsed.comments.set_index("comment_id")
    assert list(c.index) == ["1200000000000000201", "1200000000000000202"]
    assert c.loc["1200000000000000202", "parent_id"] == "1200000000000000201"  # dotted keys read like nested ones
    assert c.loc["1200000000000000201", "author_name"] == "Per Påhittsson"
    [q] = parsed.quarantine
    assert q["source_row"] == 3 and "not valid JSON" in q["reason"] and "Avbrut" not in q["record"]


# -- bad input ---------------------------------------------------------------------------------
def test_truncated_json_document(tmp_path):
    data = (MCL / "comments.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError, match=r"^cut\.json: the JSON ends before it is complete.*truncated"):
        read_file(path, format="mcl")


def test_html_page_saved_as_json():
    with pytest.raises(LoadError, match=r"^error_page\.json: .*HTML page"):
        read_file(MCL / "error_page.json")
    with pytest.raises(LoadError, match=r"error_page\.json"):
        mcl.read(MCL / "error_page.json", name="error_page.json", options={})


def test_empty_and_header_only(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(LoadError, match=r"empty\.csv: the file is empty"):
        mcl.read(tmp_path / "empty.csv", name="empty.csv", options={})
    (tmp_path / "header.csv").write_text("id,creation_time,post_owner.id,statistics.reaction_count\n")
    with pytest.raises(LoadError, match=r"header\.csv"):
        read_file(tmp_path / "header.csv")


@pytest.mark.parametrize("other", ["x_v2/search_pages.jsonl", "twarc2/tweets.csv"])
def test_wrong_format_given(other):
    assert_refused_as("mcl", other)


def test_mcl_file_given_as_another_format():
    with pytest.raises(LoadError, match=r"comments\.json: format='x_v2' was given.*looks like mcl"):
        read_file(MCL / "comments.json", format="x_v2")


# -- property: mangled records never crash, nothing is lost --------------------------------------
_BASE = json.loads((MCL / "comments.json").read_text(encoding="utf-8"))["data"][:6]
_FIELDS = ["id", "post_id", "parent_comment_id", "text", "creation_time", "owner", "statistics"]
_JUNK = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.booleans(),
                  st.text(max_size=12), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                                              st.integers(), max_size=2))
_MANGLE = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(_FIELDS), st.none()),
    st.tuples(st.just("set"), st.sampled_from(_FIELDS), _JUNK),
    st.tuples(st.just("count"), st.sampled_from(["like_count", "top_level_reply_count", "comment_count"]),
              st.one_of(st.integers(-1000, -1), st.text(max_size=6), st.floats(allow_nan=False))),
    st.tuples(st.just("date"), st.just("creation_time"), st.sampled_from(["2024-13-45T99:00:00+0000", "igår", "",
                                                                           "31/02/2024", "1e9"])),
    st.tuples(st.just("whole"), st.just(""), _JUNK),
)


def _apply(record, mangle_):
    kind, field, value = mangle_
    if kind == "whole":
        return value
    return mangle(record, "set" if kind == "date" else kind, field, value, "statistics")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(mangles=st.lists(st.tuples(st.integers(0, len(_BASE) - 1), _MANGLE), max_size=6),
       lines=st.booleans())
@pytest.mark.slow  # a property test over many mangled records
def test_mangled_comments_never_crash(tmp_path, mangles, lines):
    records = list(_BASE)
    for index, change in mangles:
        records[index] = _apply(records[index], change)
    path = tmp_path / ("c.jsonl" if lines else "c.json")
    if lines:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    else:
        path.write_text(json.dumps({"data": records}, ensure_ascii=False), encoding="utf-8")
    parsed = read_or_refused(path, "mcl")
    if parsed is None:
        return
    loaded = len(parsed.posts) + len(parsed.comments)
    assert parsed.info["records"] == len(records) == loaded + len(parsed.quarantine)
    for table in ("posts", "comments"):
        frame = getattr(parsed, table)
        if len(frame):
            conform(table, frame, derived=False)
            assert (frame.filter(like="n_").fillna(0) >= 0).all().all()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["id", "creation_time", "post_owner.id",
                                                                     "statistics.like_count", "statistics.views",
                                                                     "content_type", "text"]),
                                st.one_of(st.text(max_size=10), st.integers(-50, 50).map(str),
                                          st.sampled_from(["", "N/A", "1.5", "2024-02-30", "1,2E+15"]))),
                      max_size=8))
@pytest.mark.slow  # a property test over many mangled records
def test_mangled_post_cells_never_crash(tmp_path, cells):
    with open(MCL / "posts.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for r, column, value in cells:
        rows[1 + r][header.index(column)] = value
    path = tmp_path / "p.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    parsed = read_or_refused(path, "mcl")
    if parsed is None:
        return
    assert parsed.info["records"] == 5 == len(parsed.posts) + len(parsed.quarantine)
    if len(parsed.posts):
        conform("posts", parsed.posts, derived=False)
