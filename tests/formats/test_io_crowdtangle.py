"""CrowdTangle Historical Data CSV reader: every header generation, the quirks, bad input."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunsocial as ks
from kommunsocial.errors import LoadError
from kommunsocial.io import crowdtangle, detect, read_file

from ._helpers import assert_not_claimed

DATA = Path(__file__).parents[1] / "data" / "crowdtangle"
FACEPAGER = Path(__file__).parents[1] / "data" / "facepager"
ALVBY, NESVIK = "100071234567890", "100072345678901"


def utc(text):
    return pd.Timestamp(text, tz="UTC")


def by_id(frame, key="post_id"):
    return frame.set_index(key)


# ---------------------------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["ct_2024_41col.csv", "ct_2023_40col.csv", "ct_2020_31col.csv", "ct_pre2020.csv",
                                  "ct_excel_resaved.csv"])
def test_detects_every_layout(name):
    assert detect(DATA / name) == "crowdtangle"


@pytest.mark.parametrize("head", [
    b'\xef\xbb\xbf"level";"id";"parent_id";"object_id";"object_type";"object_key";"query_status";"query_time";'
    b'"query_type";"message"\r\n',
    b"activities,content_type,creation_time,id,is_branded_content,lang,post_owner.id,statistics.like_count,text\n",
    b"id,conversation_id,author_id,created_at,text,lang,public_metrics.like_count\n",
    b"post_id,page_id,created_at,text,n_likes\n",
    b'{"data": [{"id": "1_2", "created_time": "2024-03-11T12:15:02+0000"}]}',
    b"<!DOCTYPE html><html><body>Error</body></html>",
    b"Page Name,User Name,Likes,Comments\n",
])
def test_does_not_claim_other_formats(head):
    assert not crowdtangle.sniff(head, "x.csv")


def test_facepager_files_are_not_crowdtangle():
    assert_not_claimed(crowdtangle.sniff, FACEPAGER.glob("*.csv"))


# ---------------------------------------------------------------------------------------------
# 2024 layout: 41 columns
# ---------------------------------------------------------------------------------------------
def test_2024_layout_values():
    parsed = read_file(DATA / "ct_2024_41col.csv")
    assert parsed.info["layout"] == "2024 (41 columns)"
    assert parsed.info["format"] == "crowdtangle"
    assert len(parsed.comments) == 0 and parsed.quarantine == []
    posts = by_id(parsed.posts)
    assert len(posts) == 5

    p1 = posts.loc[f"{ALVBY}_900000000000001"]
    assert p1["page_id"] == ALVBY
    # 22:30 EDT (UTC-4) on 31 March is 02:30 UTC on 1 April
    assert p1["created_at"] == utc("2024-04-01 02:30:00")
    assert (p1["n_likes"], p1["n_love"], p1["n_wow"], p1["n_haha"], p1["n_sad"], p1["n_angry"], p1["n_care"]) == \
        (120, 30, 2, 1, 0, 0, 5)
    assert p1["n_reactions"] == 158  # 120+30+2+1+0+0+5
    assert (p1["n_comments"], p1["n_shares"]) == (14, 7)
    assert p1["followers_at_posting"] == 16200
    assert p1["post_type"] == "photo"
    assert p1["text"] == "Påskfirande i parken!\nVälkomna alla 🐣"  # embedded newline kept
    assert p1["url"] == "https://www.facebook.com/100071234567890/posts/900000000000001"
    assert pd.isna(p1["n_views"])  # CrowdTangle's 0 views on a photo is "not measured"
    assert p1["source_row"] == 1 and p1["source_file"] == "ct_2024_41col.csv"

    p2 = posts.loc[f"{ALVBY}_900000000000002"]
    assert p2["created_at"] == utc("2024-02-15 12:05:09")  # EST = UTC-5
    assert p2["n_reactions"] == 2045  # "2,345" total interactions minus 200 comments and 100 shares
    assert p2["n_likes"] == 1500
    assert p2["post_type"] == "video"  # Native Video
    assert p2["n_views"] == 5400  # Post Views, not Total Views (6100)
    assert pd.isna(p2["followers_at_posting"])  # empty: missing, not 0 and not Likes at Posting
    assert p2["text"] == 'Snöröjningen i "full gång" ❄️'

    p3 = posts.loc[f"{ALVBY}_900000000000003"]
    assert p3["created_at"] == utc("2024-03-10 06:59:59")  # a second before the US switch to summer time
    assert pd.isna(p3["n_shares"])  # N/A
    assert p3["text"] == ""
    assert p3["post_type"] == "status"

    # the repeated hour when US summer time ends: the suffix decides
    p4 = posts.loc[f"{NESVIK}_900000000000004"]
    p5 = posts.loc[f"{NESVIK}_900000000000005"]
    assert p4["created_at"] == utc("2024-11-03 06:30:00")  # 01:30 EST
    assert p5["created_at"] == utc("2024-11-03 05:30:00")  # 01:30 EDT
    assert p4["post_type"] == "live"
    assert p4["n_views"] == 0  # a video with 0 views keeps its 0
    assert p5["n_reactions"] == 852 and p5["n_comments"] == 100 and p5["n_shares"] == 50
    assert p4["url"].endswith("/videos/900000000000004/")


def test_2024_pages_take_the_latest_known_followers():
    pages = by_id(read_file(DATA / "ct_2024_41col.csv").pages, "page_id")
    assert list(pages.index) == [ALVBY, NESVIK]
    assert pages.loc[ALVBY, "page_name"] == "Älvby kommun"
    assert pages.loc[ALVBY, "handle"] == "alvbykommun"
    assert pages.loc[ALVBY, "country"] == "SE"
    assert pages.loc[ALVBY, "followers"] == 16200  # latest post (1 April) with a follower count
    # Nesvik's latest post has no count; the latest known is the earlier post's 8010
    assert pages.loc[NESVIK, "followers"] == 8010
    assert pages.loc[NESVIK, "country"] == "NO"


def test_load_gives_a_valid_dataset_without_comments():
    ds = ks.load(DATA / "ct_2024_41col.csv", salt="test", progress=False)
    assert len(ds.posts) == 5 and len(ds.pages) == 2 and len(ds.comments) == 0 and len(ds.quarantine) == 0
    assert str(ds.posts["created_at"].dtype) == "datetime64[us, UTC]"
    assert ds.posts["post_id"].dtype == "string"
    row = ds.posts.set_index("post_id").loc[f"{ALVBY}_900000000000002"]
    assert row["n_reactions"] == 2045 and pd.isna(row["followers_at_posting"])
    assert ds.manifest["inputs"][0]["layout"] == "2024 (41 columns)"


# ---------------------------------------------------------------------------------------------
# older layouts
# ---------------------------------------------------------------------------------------------
def test_2021_2023_layout_with_bom_and_crlf():
    parsed = read_file(DATA / "ct_2023_40col.csv")
    assert parsed.info["layout"] == "2021-2023 (40 columns)"
    posts = by_id(parsed.posts)
    first = posts.loc[f"{ALVBY}_800000000000001"]
    assert first["created_at"] == utc("2023-06-06 16:00:00")
    assert first["post_type"] == "album"
    assert first["n_reactions"] == 28 - 1 and first["text"].startswith("Nationaldagen\r\nfirar")
    assert posts.loc[f"{ALVBY}_800000000000002", "created_at"] == utc("2023-12-24 20:00:00")
    assert parsed.pages.loc[0, "page_name"] == "Älvby kommun"  # the BOM is not part of the first header


def test_2020_layout_created_column_and_handle_urls():
    parsed = read_file(DATA / "ct_2020_31col.csv")
    assert parsed.info["layout"] == "2020 (31 columns)"
    assert "Likes at Posting" in parsed.info["followers_at_posting"]
    post = parsed.posts.iloc[0]
    # URL has the handle, not the page id: the id comes from Facebook Id
    assert post["post_id"] == f"{NESVIK}_300000000000001"
    assert post["created_at"] == utc("2020-04-16 13:48:29")
    assert post["post_type"] == "video"  # YouTube
    assert post["n_reactions"] == 46 and post["n_care"] == 2
    assert post["followers_at_posting"] == 7000  # Likes at Posting: the audience measure before 2021
    # second row: no Facebook Id and a handle URL -> no page id -> quarantined, named
    (q,) = parsed.quarantine
    assert (q["source_row"], q["column"], q["table"]) == (2, "page_id", "posts")
    assert "Facebook Id is empty" in q["reason"]


def test_pre_2020_layout_thankful_score_and_capitalisation():
    parsed = read_file(DATA / "ct_pre2020.csv")
    assert parsed.info["layout"].startswith("pre-2020")
    post = parsed.posts.iloc[0]
    assert post["post_id"] == f"{ALVBY}_200000000000001"  # permalink.php?story_fbid=…&id=…
    assert post["page_id"] == ALVBY  # "Facebook ID" matched case-insensitively
    assert post["created_at"] == utc("2016-05-08 14:00:00")
    assert post["n_reactions"] == 115  # 100+10+1+0+0+0 + 4 Thankful
    assert post["followers_at_posting"] == 9000
    # no Care column before 2020: missing, not 0
    loaded = ks.load(DATA / "ct_pre2020.csv", salt="test", progress=False).posts.iloc[0]
    assert pd.isna(loaded["n_care"]) and loaded["n_reactions"] == 115


# ---------------------------------------------------------------------------------------------
# re-saved by Excel
# ---------------------------------------------------------------------------------------------
def test_excel_resaved_cp1252_semicolon_dayfirst_without_zone():
    parsed = read_file(DATA / "ct_excel_resaved.csv")
    info = parsed.info
    assert info["encoding"] == "cp1252" and info["delimiter"] == ";"
    assert "re-saved" in info["resaved"]
    assert info["dates"] == "day-first (detected)"
    assert "US/Eastern" in info["timezone"]
    assert info["page_id_repaired_from_url"] == 1
    posts = by_id(parsed.posts)
    # 31/03/2024 22:30 New York summer time -> 02:30 UTC next day
    assert posts.loc[f"{ALVBY}_900000000000001", "created_at"] == utc("2024-04-01 02:30:00")
    # 15/02/2024 07:05 New York winter time; Facebook Id was 1,00071E+14 and comes back from the URL
    p2 = posts.loc[f"{ALVBY}_900000000000002"]
    assert p2["created_at"] == utc("2024-02-15 12:05:00") and p2["page_id"] == ALVBY
    # 05/03/2024 is 5 March (the file's 31/03 shows day-first), winter time
    assert posts.loc[f"{ALVBY}_900000000000003", "created_at"] == utc("2024-03-05 15:00:00")
    assert posts.loc[f"{ALVBY}_900000000000001", "text"].startswith("Påskfirande")


def _rewrite(rows, header, tmp_path, name="resaved.csv", *, delimiter=";", encoding="cp1252"):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _fixture_rows(name="ct_excel_resaved.csv", encoding="cp1252", delimiter=";"):
    text = (DATA / name).read_bytes().decode(encoding).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


def test_excel_month_first_is_detected(tmp_path):
    header, rows = _fixture_rows()
    rows[0][9] = "3/31/2024 10:30 PM"
    rows[1][9] = "2/15/2024 7:05 AM"
    rows[2][9] = "3/5/2024 10:00 AM"
    parsed = read_file(_rewrite(rows, header, tmp_path))
    assert parsed.info["dates"] == "month-first (detected)"
    posts = by_id(parsed.posts)
    assert posts.loc[f"{ALVBY}_900000000000001", "created_at"] == utc("2024-04-01 02:30:00")
    assert posts.loc[f"{ALVBY}_900000000000003", "created_at"] == utc("2024-03-05 15:00:00")


def test_excel_dates_in_a_zone_the_user_names():
    ds = ks.load(DATA / "ct_excel_resaved.csv", salt="test", progress=False, timezone="Europe/Stockholm")
    posts = ds.posts.set_index("post_id")
    # 31/03/2024 22:30 Swedish summer time (UTC+2)
    assert posts.loc[f"{ALVBY}_900000000000001", "created_at"] == utc("2024-03-31 20:30:00")
    assert "Europe/Stockholm" in ds.manifest["inputs"][0]["timezone"]


def test_unrecoverable_scientific_page_id_is_quarantined(tmp_path):
    header, rows = _fixture_rows()
    rows[0][2] = "1,00071E+14"
    rows[0][29] = "https://www.facebook.com/alvbykommun/posts/900000000000001"
    parsed = read_file(_rewrite(rows, header, tmp_path))
    (q,) = parsed.quarantine
    assert q["source_row"] == 1 and q["column"] == "page_id" and "spreadsheet" in q["reason"]
    assert len(parsed.posts) == 2


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
def _bad_rows(tmp_path, edit):
    header, rows = _fixture_rows("ct_2024_41col.csv", "utf-8", ",")
    edit(rows)
    return read_file(_rewrite(rows, header, tmp_path, "bad.csv", delimiter=",", encoding="utf-8"))


def test_bad_values_are_quarantined_with_row_and_column(tmp_path):
    def edit(rows):
        rows[0][14] = "-3"  # negative Likes
        rows[1][9] = "yesterday"  # not a date
        rows[2][29] = ""  # no URL: no post id
        rows[3][2] = "Nesvik"  # page id that is not a number

    parsed = _bad_rows(tmp_path, edit)
    got = {(q["source_row"], q["column"]) for q in parsed.quarantine}
    assert got == {(1, "n_likes"), (2, "created_at"), (3, "post_id"), (4, "page_id")}
    reasons = {q["column"]: q["reason"] for q in parsed.quarantine}
    assert "negative count" in reasons["n_likes"] and "yesterday" in reasons["created_at"]
    assert parsed.posts["source_row"].tolist() == [5]


def test_load_counts_quarantined_rows(tmp_path):
    def edit(rows):
        rows[0][14] = "many"

    header, rows = _fixture_rows("ct_2024_41col.csv", "utf-8", ",")
    edit(rows)
    path = _rewrite(rows, header, tmp_path, "bad.csv", delimiter=",", encoding="utf-8")
    ds = ks.load(path, salt="test", progress=False)
    assert len(ds.posts) == 4 and len(ds.quarantine) == 1
    assert ds.quarantine.loc[0, "column"] == "n_likes" and ds.quarantine.loc[0, "source_row"] == 1


def test_truncated_inside_a_quoted_field_is_an_error(tmp_path):
    data = (DATA / "ct_2024_41col.csv").read_bytes()
    cut = data.index("Påskfirande".encode()) + 5
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(LoadError) as err:
        read_file(path)
    assert "cut.csv" in str(err.value) and "row 1" in str(err.value) and "quoted field" in str(err.value)


def test_truncated_between_fields_quarantines_the_last_row(tmp_path):
    data = (DATA / "ct_2024_41col.csv").read_bytes()
    cut = data.index(b"Ny nettside")  # the last row ends after "URL," (31 fields)
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    parsed = read_file(path)
    assert len(parsed.posts) == 4
    (q,) = parsed.quarantine
    assert q["source_row"] == 5 and "expected 41 fields, found 31" in q["reason"]


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="empty.csv: the file is empty"):
        read_file(empty)
    with pytest.raises(LoadError, match="^empty.csv: .*(empty|does not look like crowdtangle)"):
        read_file(empty, format="crowdtangle")
    with pytest.raises(LoadError, match="empty.csv: the file is empty"):
        crowdtangle.read(empty, name="empty.csv", options={})
    header_only = tmp_path / "header.csv"
    header_only.write_bytes((DATA / "ct_2024_41col.csv").read_bytes().split(b"\n", 1)[0] + b"\n")
    with pytest.raises(LoadError, match=r"header.csv, row 1: the file has a header but no data rows"):
        read_file(header_only)


def test_html_page_saved_as_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Session expired</body></html>\n")
    with pytest.raises(LoadError, match="export.csv: this is an HTML page"):
        ks.load(path, salt="test", progress=False)
    with pytest.raises(LoadError, match="export.csv: format='crowdtangle' was given, but the file does not look"):
        read_file(path, format="crowdtangle")


def test_wrong_format_given():
    with pytest.raises(LoadError, match="does not look like crowdtangle \\(it looks like facepager\\)"):
        read_file(FACEPAGER / "fp_all_nodes.csv", format="crowdtangle")
    with pytest.raises(LoadError, match="ct_2024_41col.csv: format='facepager' was given"):
        ks.load(DATA / "ct_2024_41col.csv", format="facepager", salt="test", progress=False)


def test_reader_called_directly_on_another_csv_names_the_missing_column(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Page Name,Facebook Id,Likes\nÄlvby kommun,100071234567890,3\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        crowdtangle.read(path, name="other.csv", options={})
    assert err.value.file == "other.csv" and err.value.row == 0 and "not a CrowdTangle" in err.value.message


# ---------------------------------------------------------------------------------------------
# property: mangled records never crash the reader and are never lost
# ---------------------------------------------------------------------------------------------
HEADER, ROWS = _fixture_rows("ct_2024_41col.csv", "utf-8", ",")
GARBAGE = st.one_of(
    st.text(max_size=30),
    st.integers(-10**6, -1).map(str),  # negative counts
    st.sampled_from(["N/A", "", "-", "1,2,3", "3.5", "1e5", "2024-13-45 25:61:00 EDT", "31/02/2024 10:00",
                     "99999999999999999999999", "None", "\ufeff", "\"", "a;b", "2024-03-11 08:15:02 XYZ"]),
)
EDIT = st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(["set", "drop", "extra"]),
                 st.integers(0, len(HEADER) - 1), GARBAGE)


@pytest.mark.slow  # a property test over many mangled records
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, max_size=8))
def test_mangled_records_are_loaded_or_quarantined(edits):
    rows = [list(r) for r in ROWS]
    for row, action, column, value in edits:
        if action == "set":
            rows[row][column % len(rows[row])] = value
        elif action == "drop" and len(rows[row]) > 2:
            del rows[row][column % len(rows[row])]
        else:
            rows[row].append(value or "x")
    buf = io.StringIO()
    # "\r\n" as terminator makes the writer quote fields holding a bare "\r" as well as "\n"
    csv.writer(buf, lineterminator="\r\n").writerows([HEADER, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mangled.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            parsed = read_file(path, format="crowdtangle")
        except LoadError as exc:
            assert "mangled.csv" in str(exc)
            return
    assert len(parsed.posts) + len(parsed.quarantine) == len(rows)
    loaded = parsed.posts["source_row"].tolist() if len(parsed.posts) else []
    assert sorted(loaded + [q["source_row"] for q in parsed.quarantine]) == \
        list(range(1, len(rows) + 1))
    if len(parsed.posts):  # every row may have been quarantined
        counts = parsed.posts[[c for c in parsed.posts if c.startswith("n_")]]
        assert not (counts < 0).any().any()
        assert parsed.posts["created_at"].notna().all() and parsed.posts["post_id"].notna().all()


def test_an_export_rewritten_by_r_reads_the_same(tmp_path):
    """Researchers often pass CrowdTangle files through R: write.csv adds a row-name column with an
    empty header, quotes every string and writes missing values as NA."""
    src = DATA / "ct_2024_41col.csv"
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([""] + rows[0])
    for i, row in enumerate(rows[1:], 1):
        writer.writerow([str(i)] + ["NA" if v == "" else v for v in row])
    path = tmp_path / "from_r.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    original, from_r = read_file(src), read_file(path, format="crowdtangle")
    cols = ["post_id", "created_at", "text", "post_type", "n_reactions", "n_likes", "n_comments", "n_shares",
            "followers_at_posting", "url"]
    pd.testing.assert_frame_equal(original.posts[cols].reset_index(drop=True), from_r.posts[cols].reset_index(drop=True))
    assert from_r.quarantine == []


# ---------------------------------------------------------------------------------------------
# Instagram dashboards
# ---------------------------------------------------------------------------------------------
def test_instagram_dashboard_export():
    path = DATA / "ct_instagram.csv"
    assert detect(path) == "crowdtangle"
    parsed = read_file(path)
    assert parsed.info["dashboard"] == "Instagram"
    p = by_id(parsed.posts)
    assert list(p.index) == ["Cabc123", "Cdef456", "Cghi789"]
    assert set(p["platform"]) == {"instagram"}
    photo, reel, album = p.loc["Cabc123"], p.loc["Cdef456"], p.loc["Cghi789"]
    assert (photo["page_id"], photo["created_at"], photo["text"]) == \
        ("lyngstadkommune", utc("2023-03-01 09:00"), "Brøytinga startar i dag.\nKøyr varsamt!")
    assert (photo["n_likes"], photo["n_reactions"], photo["n_comments"], photo["followers_at_posting"]) == (40, 40, 3, 5120)
    assert "n_shares" not in p and pd.isna(photo["n_views"])  # no shares on Instagram; a photo's 0 views
    assert (reel["post_type"], reel["n_views"], album["post_type"], album["text"]) == ("reel", 2400, "album", "")
    pages = parsed.pages.set_index("page_id")
    assert pages.loc["lyngstadkommune", ["page_name", "handle", "platform", "followers"]].tolist() == \
        ["Lyngstad kommune", "lyngstadkommune", "instagram", 5133]
    (bad,) = parsed.quarantine
    assert (bad["source_row"], bad["column"]) == (4, "post_id")
    assert bad["reason"] == "cannot derive a post id from URL 'https://example.org/not-a-post'"
