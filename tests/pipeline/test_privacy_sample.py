"""End to end: no commenter's name or platform id from the raw sample reaches processed data or reports."""

import json
import re
from pathlib import Path

import pandas as pd

import kommunsocial as ks

from ..conftest import SAMPLE_RAW

WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")


def _commenters():
    """Names and ids of every citizen who comments in the raw sample (Graph API comment nodes)."""
    pages = set(pd.read_csv(SAMPLE_RAW / "pages.csv", dtype=str)["page_id"])
    names, ids = set(), set()
    for line in (SAMPLE_RAW / "comments.jsonl").read_text().splitlines():
        stack = list(json.loads(line)["comments"]["data"])
        while stack:
            c = stack.pop()
            stack.extend(c.get("comments", {}).get("data", []))
            if c["from"]["id"] not in pages:
                names.add(c["from"]["name"])
                ids.add(c["from"]["id"])
    return names, ids


def _find(text: str, names: set, ids: set):
    words = WORD.findall(text)
    pairs = {f"{a} {b}" for a, b in zip(words, words[1:])}
    digits = set(re.findall(r"\d{15}", text))
    return sorted(pairs & names)[:5], sorted(digits & ids)[:5]


def _processed_text(folder: Path) -> str:
    parts = [(folder / "manifest.json").read_text()]
    for table in ("pages", "posts", "comments", "quarantine"):
        frame = ks.Dataset.read(folder).tables()[table]
        for col in frame.columns:
            if frame[col].dtype == object or str(frame[col].dtype).startswith(("string", "str", "category")):
                parts.append("\n".join(frame[col].astype(str).fillna("").tolist()))
    return "\n".join(parts)


def test_sample_has_names_to_hide():
    names, ids = _commenters()
    assert len(names) > 100 and len(ids) > 100
    raw_text = json.dumps([json.loads(x) for x in (SAMPLE_RAW / "comments.jsonl").read_text().splitlines()], ensure_ascii=False)
    found_names, _ = _find(raw_text, names, ids)
    assert found_names  # names do appear in raw texts (people tag each other)


def test_no_commenter_in_processed_data(sample_processed):
    names, ids = _commenters()
    assert _find(_processed_text(sample_processed), names, ids) == ([], [])


def test_no_commenter_in_reports(executed):
    out, _ = executed
    names, ids = _commenters()
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".ipynb", ".csv", ".json", ".gexf", ".graphml", ".svg"):
            assert _find(path.read_text(errors="ignore"), names, ids) == ([], []), path.name
