"""Swedish (sv) sources of the real development set: police events, government items, citizens' posts.

Each source reads its raw files, as fetched and unmodified, from ``DIR/<id>/`` (see its ``recipe``)
and returns ``key`` (stable within the source) and ``text`` (as published, stripped; long items cut
to their first paragraphs, a post's length). Nothing is downloaded here. Where the texts come from,
their licences and what was labelled: ``SOURCES_sv.md``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from . import Source

__all__ = ["DRAW", "SEED", "SOURCES", "drawn", "lead_paragraphs"]

#: A long item is cut to a post's length: at most this many paragraphs and characters.
MAX_PARAGRAPHS = 3
MAX_CHARS = 600

_TAG = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def _frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["key", "text"])
    out["text"] = out["text"].str.strip()
    return out[out["text"] != ""].reset_index(drop=True)


def lead_paragraphs(paragraphs: list[str], *, max_paragraphs: int = MAX_PARAGRAPHS,
                    max_chars: int = MAX_CHARS) -> str:
    """The first paragraphs of a long item, a post's length.

    Whole paragraphs are kept while the text stays within ``max_chars`` (at most
    ``max_paragraphs``); a first paragraph longer than that is cut after its last full sentence
    within the limit (or at the last word boundary when it has none), so every item gives a text.
    """
    kept: list[str] = []
    for para in (p.strip() for p in paragraphs):
        if not para:
            continue
        joined = "\n\n".join([*kept, para])
        if len(joined) <= max_chars and len(kept) < max_paragraphs:
            kept.append(para)
            continue
        if not kept:
            head = para[:max_chars + 1]
            ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
            kept.append(head[:ends[-1]] if ends else head.rsplit(" ", 1)[0])
        break
    return "\n\n".join(kept).strip()


# --- Swedish Police events (polisen.se), as saved by a brottsplatskartan.se client ----------------

def _polisen_events(folder: Path) -> pd.DataFrame:
    """``response.js``: a JavaScript module whose first statement is a JSON array of events."""
    raw = (folder / "response.js").read_text(encoding="utf-8")
    start = raw.index("[")
    # The array ends at the first line that is a bare "]" (code follows it in the module).
    end = re.search(r"^\]\s*;?\s*$", raw, flags=re.M).start()
    events = json.loads(raw[start:end + 1])
    rows = []
    for ev in events:
        # What polisen.se publishes: a one-line summary, then the event's paragraphs.
        paras = [ev.get("description") or ""]
        paras += [_TAG.sub("", p) for p in re.split(r"</p>\s*", ev.get("content") or "")]
        rows.append((str(ev["id"]), lead_paragraphs(paras)))
    return _frame(rows)


_JS_ID = re.compile(r"\bid:\s*(\d+)\s*,")
_JS_SUMMARY = re.compile(r"\bsummary:\s*'((?:[^'\\]|\\.)*)'")


def _polisen_summaries(folder: Path) -> pd.DataFrame:
    """``example-data.js``: a JavaScript literal of events; half of them are commented out (still real)."""
    lines = (folder / "example-data.js").read_text(encoding="utf-8").splitlines()
    body = "\n".join(re.sub(r"^\s*//\s?", "", line) for line in lines)
    rows = []
    # Each event is one object: cut at every "id:" and read that object's summary.
    starts = [m for m in _JS_ID.finditer(body)]
    for i, m in enumerate(starts):
        chunk = body[m.end(): starts[i + 1].start() if i + 1 < len(starts) else len(body)]
        summary = _JS_SUMMARY.search(chunk)
        if summary:
            rows.append((m.group(1), summary.group(1).replace("\\'", "'")))
    return _frame(rows)


# --- The Swedish government's web items (regeringen.se), as saved by g0vse -------------------------

_BYLINE = re.compile(r"debattartikel|replik", flags=re.I)


def _is_byline(para: str) -> bool:
    """A debate article's byline ("Minister X, debattartikel, Paper, date"): short, names the genre,
    and is no sentence of the text (a lead saying "…, skriver minister X i en debattartikel" is)."""
    return len(para) < 400 and bool(_BYLINE.search(para)) and "skriver" not in para


def _g0vse(folder: Path, kind: str) -> pd.DataFrame:
    """Every ``<kind>/YYYY/MM/<slug>.md``: the title line and a debate article's byline are not text."""
    rows = []
    for path in sorted((folder / kind).rglob("*.md")):
        paras = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        paras = [p for p in paras if not p.lstrip().startswith("#") and not _is_byline(p)]
        rows.append((path.relative_to(folder / kind).with_suffix("").as_posix(), lead_paragraphs(paras)))
    return _frame(rows)


def _g0vse_source(sid: str, kind: str, what: str) -> Source:
    """A source of one kind of item of the g0vse snapshot (same repository, commit and licence)."""
    return Source(
        id=sid,
        lang="sv",
        description=what + " Data licence unstated (public documents), code AGPL-3.0.",
        recipe=("git clone --branch data https://github.com/civictechsweden/g0vse && cd g0vse && "
                "git checkout b9e34cec61a3e35d81bde27a417a269945487a37 && "
                f"mkdir -p DIR/{sid} && cp -r {kind} DIR/{sid}/"),
        extract=lambda folder: _g0vse(folder, kind),
    )


# --- Citizens' tweets and YouTube comments ------------------------------------------------------------

def _swe_sentiment(folder: Path) -> pd.DataFrame:
    """``swe-sentiment-dataset.csv``: the row number (from 0, header not counted) is the key."""
    frame = pd.read_csv(folder / "swe-sentiment-dataset.csv", dtype=str, keep_default_na=False)
    return _frame([(str(i), t) for i, t in enumerate(frame["text"])])


SOURCES = [
    Source(
        id="sv-polisen-events",
        lang="sv",
        description=("Swedish Police Authority (polisen.se) event notices, February–March 2020, "
                     "as served by brottsplatskartan.se: summary line and the event's paragraphs. "
                     "Public authority's notices; the saving repository has no licence."),
        recipe=("git clone https://github.com/DaniloButtafoco/fe19tp2_Mango && cd fe19tp2_Mango && "
                "git checkout 72e5b61b62ef8b01bee87ffd9bfaefb995a5afee && "
                "mkdir -p DIR/sv-polisen-events && "
                "cp src/components/Home/response.js DIR/sv-polisen-events/"),
        extract=_polisen_events,
    ),
    Source(
        id="sv-polisen-summaries",
        lang="sv",
        description=("Swedish Police Authority (polisen.se) event summaries (one line each), "
                     "28 December 2018, from the police events API. Repository licence ISC "
                     "(package.json); the texts are the authority's."),
        recipe=("git clone https://github.com/Haugen/polis && cd polis && "
                "git checkout d1801a5449536e7a1f4922c35c0cdfb845c14da7 && "
                "mkdir -p DIR/sv-polisen-summaries && cp example-data.js DIR/sv-polisen-summaries/"),
        extract=_polisen_summaries,
    ),
    _g0vse_source(
        "sv-regeringen-artiklar", "artiklar",
        "The Swedish Government Offices' short web articles (regeringen.se/artiklar), 2014–2026, "
        "as Markdown from g0vse; first paragraphs."),
    _g0vse_source(
        "sv-regeringen-debatt", "debattartiklar",
        "Debate articles by Swedish ministers as republished on regeringen.se (debattartiklar), "
        "2022–2026, as Markdown from g0vse; first paragraphs after the byline."),
    Source(
        id="sv-swe-sentiment",
        lang="sv",
        description=("Swedish tweets and YouTube comments by private people, all with emoji "
                     "(Berggren 2023, swe-sentiment-dataset); user names already masked as @namn. "
                     "No licence file; the README invites reuse."),
        recipe=("git clone https://github.com/lovisaberggren/swe-sentiment-dataset && "
                "cd swe-sentiment-dataset && git checkout a134f023f7436e414f62498735152fa4ca7e0528 && "
                "mkdir -p DIR/sv-swe-sentiment && cp swe-sentiment-dataset.csv DIR/sv-swe-sentiment/"),
        extract=_swe_sentiment,
    ),
]


#: How many texts were drawn from each source for labelling, and the seed of the draw.
DRAW = {"sv-polisen-events": 30, "sv-polisen-summaries": 25, "sv-regeringen-artiklar": 40,
        "sv-regeringen-debatt": 30, "sv-swe-sentiment": 70}
SEED = 20261207


def drawn(root: Path) -> pd.DataFrame:
    """The texts drawn for labelling: per source, empty texts and exact duplicates dropped, then a
    random sample of ``DRAW[id]`` with ``SEED`` (never picked by hand). DataFrame[key, source, text]."""
    frames = []
    for src in SOURCES:
        texts = src.extract(Path(root) / src.id).drop_duplicates("text")
        sample = texts.sample(min(DRAW[src.id], len(texts)), random_state=SEED)
        frames.append(sample.assign(key=src.id + ":" + sample["key"], source=src.id))
    return pd.concat(frames, ignore_index=True)[["key", "source", "text"]]
