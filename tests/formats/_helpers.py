"""What the reader tests share: the fixtures' folder, times, sniffing checks, and mangling records
for the property tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from kommunsocial.errors import LoadError
from kommunsocial.io import read_file

#: The fixtures of every format, one folder each.
DATA = Path(__file__).parents[1] / "data"
#: How the property tests of mangled JSON records run: 50 examples, however slow.
MANGLED_RUNS = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def ts(text) -> pd.Timestamp:
    """A time written with its offset, as UTC."""
    return pd.Timestamp(text).tz_convert("UTC")


def assert_not_claimed(sniff, paths) -> None:
    """``sniff`` claims none of ``paths`` (of which there are some), given their first 64 KiB as
    detection gives them."""
    paths = list(paths)
    assert paths, "expected other formats' fixtures"
    for path in paths:
        assert not sniff(path.read_bytes()[:65536], path.name), path


def other_formats(folder: str) -> list[Path]:
    """Every fixture that is not in ``folder`` (another format's)."""
    return [p for p in DATA.rglob("*") if p.is_file() and folder not in p.parts]


def garbage(*texts: str):
    """Values of any JSON type, and ``texts`` a reader must refuse."""
    return st.one_of(st.none(), st.integers(-10**20, 10**20), st.text(max_size=12), st.booleans(),
                     st.lists(st.integers(), max_size=2),
                     st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
                     st.sampled_from(list(texts)))


def nested_records(items, edge: str) -> list:
    """Every record a reader sees in ``items``: each item, and the items of its expanded ``edge``
    (``{"data": [...]}``), recursively."""
    out = []
    for item in items:
        out.append(item)
        if isinstance(item, dict):
            child = item.get(edge)
            if isinstance(child, dict) and isinstance(child.get("data"), list):
                out += nested_records(child["data"], edge)
    return out


def mangle(record, kind: str, field: str, value, counts: str):
    """A copy of the JSON ``record`` with ``field`` dropped (``drop``), set to ``value`` (``set``)
    or set to ``value`` in its ``counts`` object (``count``); anything but an object as it is."""
    if not isinstance(record, dict):
        return record  # already replaced by junk
    record = json.loads(json.dumps(record))
    if kind == "drop":
        record.pop(field, None)
    elif kind == "set":
        record[field] = value
    elif kind == "count":
        if not isinstance(record.get(counts), dict):
            record[counts] = {}
        record[counts][field] = value
    return record


def by(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    """``frame`` indexed by ``col``, which it keeps as a column too."""
    return frame.set_index(col, drop=False)


def assert_refused_as(fmt: str, other: str) -> None:
    """The fixture ``other`` (another format's), read as ``fmt``, is refused as not looking like it."""
    with pytest.raises(LoadError, match=rf"format='{fmt}' was given, but the file does not look like {fmt}"):
        read_file(DATA / other, format=fmt)


def read_or_refused(path: Path, fmt: str):
    """``read_file(path, format=fmt)``, or None when the file is refused as a whole, with an error
    that names it."""
    try:
        return read_file(path, format=fmt)
    except LoadError as exc:
        assert path.name in str(exc)
        return None


def kept_apart(info: dict) -> int:
    """The tweets an X reader counted but kept out of posts and comments."""
    return info["retweets"] + info["quotes"] + info["other_tweets"]


def assert_every_record_counted(folder: Path, name: str, doc, fmt: str, n_records: int) -> None:
    """``doc`` saved as the JSON file ``name`` and read as ``fmt`` is refused as a whole, or each
    of its ``n_records`` records is a post, a comment or quarantined: none is lost."""
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    parsed = read_or_refused(path, fmt)
    if parsed is not None:
        assert len(parsed.posts) + len(parsed.comments) + len(parsed.quarantine) == n_records
