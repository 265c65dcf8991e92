"""The header every report opens with: what it shows and from which data.

Dataset, municipality (its name and code), period (first and last post of the data the report
read), the report's parameters, the data version (the processed manifest's hash), the package
version, a link back to the index and, for a generated dataset such as the bundled sample, one
sentence that it is synthetic with planted effects. :func:`kommunsocial.report.run.run_notebook`
adds it to every notebook it executes (the reports, the seminar), so no notebook carries a line
of its own for it; a per-municipality report's title gets the municipality's name too.

Every value shown is escaped: page names and parameters come from the data and the command line.

>>> f = Facts(dataset="sample", municipality="Sjöviks kommun (2174)", period=("2023-01-04", "2024-12-30"),
...           posts=477, parameters={"threshold": 50}, manifest="c91398be8c8c54d9", index_href="../index.html")
>>> "Sjöviks kommun (2174)" in header_html(f), "href='../index.html'" in header_html(f)
(True, True)
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import config
from .._version import __version__
from . import render

__all__ = ["Facts", "facts", "header_html", "add_header", "synthetic", "synthetic_note", "manifest_hash", "defaults",
           "HEADER_TAG"]

#: The tag of the header cell in an executed notebook (so it is found, and never added twice).
HEADER_TAG = "kommunsocial-header"
#: Parameters the header shows in its own lines, or not at all (where exports are written).
_OWN_LINES = ("dataset", "municipality", "start", "end", "data_dir", "out_dir")


@dataclass
class Facts:
    """What a report's header says; every field is plain text (escaped when shown)."""

    dataset: str
    municipality: str = ""  # "Sjöviks kommun (2174)"; "" for every page
    title: str = ""  # the municipality's name, added to the report's title
    only: str = ""  # the page of a dataset of one page, named like ``municipality``
    pages: int | None = None  # pages the report covers
    period: tuple | None = None  # (first, last) post date, YYYY-MM-DD, UTC
    posts: int | None = None
    requested: str = ""  # the period asked for with start / end, in words
    parameters: dict = field(default_factory=dict)
    manifest: str | None = None  # the first 16 hex digits of the manifest's sha256
    version: str = __version__
    index_href: str = "index.html"
    data: str = ""  # where the processed tables were read, when not data/processed/<dataset>
    synthetic: str = ""  # the sentence on a generated dataset, "" for real data
    per_page: bool = True  # False: the report always covers every page (the comparison)


def defaults(notebook) -> dict:
    """The values of ``notebook``'s ``parameters`` cell (literals, as papermill reads them)."""
    import papermill as pm

    out = {}
    for name, spec in pm.inspect_notebook(str(notebook)).items():
        try:
            out[name] = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError):  # not a literal: shown as written
            out[name] = spec["default"]
    return out


def manifest_hash(data_dir) -> str | None:
    """The data version: the first 16 hex digits of the sha256 of ``data_dir/manifest.json``."""
    path = Path(data_dir) / "manifest.json"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else None


def synthetic(dataset: str, data_dir=None) -> dict | None:
    """The planted truth when ``dataset`` is generated (the bundled sample, or any ``kommunsocial
    sample`` output), else None.

    The signal: the raw folder ``data/raw/<dataset>/`` holds the generator's ``planted.json`` (with
    its ``generator`` arguments), and every file the processed manifest lists as read is that raw
    folder's file with the same sha256. A real export put beside a stray ``planted.json``, or
    processed data read from elsewhere under the sample's name, is not called synthetic.
    """
    raw = config.raw_dir(dataset) if dataset else None
    if raw is None or not (raw / "planted.json").is_file():
        return None
    try:
        truth = json.loads((raw / "planted.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(truth, dict) or "generator" not in truth:
        return None
    path = Path(data_dir or config.processed_dir(dataset)) / "manifest.json"
    if path.is_file() and not _inputs_match(str(raw), str(path), _state(raw, path), dataset):
        return None
    return truth


def _state(*paths: Path) -> tuple:
    """Size, modification time and inode of each file under ``paths``: what :func:`_inputs_match`'s
    memory is keyed on, so a changed file is hashed again."""
    out = []
    for path in paths:
        for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if p.is_file():
                st = p.stat()
                out.append((str(p), st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


@lru_cache(maxsize=8)
def _inputs_match(raw: str, manifest: str, _state: tuple, dataset: str) -> bool:
    """Whether every file ``manifest`` lists as read is ``raw``'s file with the same sha256.

    Once per process and state of the files (a run of many reports hashes the raw files once), with
    the hashes ``make`` and ``kommunsocial data`` keep (``.make/<dataset>.raw-cache.json``) reused
    for the files unchanged since: a generated country is a gigabyte and more.
    """
    from ..rawdigest import listing
    from ..workflow import stamps

    try:
        cache = json.loads(stamps(dataset)["raw_cache"].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    hashes = {item["name"]: item["sha256"] for item in listing(raw, cache=cache if isinstance(cache, dict) else {})}
    inputs = json.loads(Path(manifest).read_text(encoding="utf-8")).get("inputs") or []
    return all(hashes.get(str(item.get("file", ""))) == item.get("sha256") for item in inputs)


def synthetic_note(dataset: str, data_dir=None) -> str:
    """The sentence saying that ``dataset`` is synthetic with planted effects (and what planted
    means), from its ``planted.json``; "" for real data (see :func:`synthetic`)."""
    truth = synthetic(dataset, data_dir)
    return _synthetic_sentence(dataset, truth) if truth else ""


def _synthetic_sentence(dataset: str, truth: dict) -> str:
    gen = truth.get("generator", {})
    irr = {outcome: terms.get("conversational") for outcome, terms in (truth.get("irr") or {}).items()}
    ratios = [f"{v:g} times the {k}" for k, v in irr.items() if isinstance(v, (int, float))]
    ratios = ", ".join(ratios[:-1]) + f" and {ratios[-1]}" if len(ratios) > 1 else "".join(ratios)
    planted = (f" (a conversational post draws {ratios} of an otherwise identical formal one; each page "
               f"answers citizens at its own rate)") if ratios else ""
    return (f"Synthetic data: every municipality, person and post in this dataset is invented (by kommunsocial "
            f"sample, seed {gen.get('seed', '?')}), and effects were planted in it, that is, written into the data "
            f"on purpose at known sizes{planted}, so that what the analyses find can be checked against the truth "
            f"in data/raw/{dataset}/planted.json.")


def _shown_path(value) -> str:
    """A folder parameter as a reader can use it: relative to the project, else its last part."""
    path = Path(str(value))
    try:
        return path.resolve().relative_to(config.project_root()).as_posix()
    except ValueError:
        return f"…/{path.name}" if path.is_absolute() else path.as_posix()


def _index_href(dataset: str, out_dir: Path, municipality: str) -> str:
    """The index, relative to the report: ``reports/<dataset>/index.html`` seen from ``out_dir``
    when that is under ``reports/`` (a seminar's dry run in ``reports/seminar-dry-run`` too)."""
    index = config.reports_dir(dataset).resolve() / "index.html"
    base, here = config.reports_dir().resolve(), Path(out_dir).resolve()
    if here == base or base in here.parents:
        return Path(os.path.relpath(index, here)).as_posix()
    return "../index.html" if municipality else "index.html"


def facts(parameters: dict, *, notebook, out_dir, scope: str = "") -> Facts | None:
    """The header of ``notebook`` run with ``parameters`` into ``out_dir``; None for a notebook
    that has no ``dataset`` parameter (it reports on no dataset).

    ``scope="dataset"`` (the notebook's metadata ``kommunsocial.scope``) marks a report that covers
    every page whatever ``municipality`` says: the comparison.
    """
    import pandas as pd

    from ..schema import Dataset

    params = {**defaults(notebook), **(parameters or {})}
    dataset = str(params.get("dataset") or "")
    if not dataset:
        return None
    data_dir = Path(params["data_dir"]) if params.get("data_dir") else config.processed_dir(dataset)
    per_page = scope != "dataset"
    wanted = str(params.get("municipality") or "") if per_page else ""
    out = Facts(dataset=dataset, per_page=per_page, manifest=manifest_hash(data_dir),
                index_href=_index_href(dataset, Path(out_dir), wanted),
                data=_shown_path(data_dir) if params.get("data_dir") else "",
                parameters={k: (_shown_path(v) if k.endswith("_dir") else v)  # "" leaves a default: not shown
                            for k, v in params.items() if k not in _OWN_LINES and v != ""})
    start, end = str(params.get("start") or ""), str(params.get("end") or "")
    out.requested = " ".join(filter(None, [f"from {start}" if start else "", f"before {end}" if end else ""]))
    out.synthetic = synthetic_note(dataset, data_dir)
    if not (data_dir / "manifest.json").is_file():
        out.municipality = out.title = wanted
        return out
    pages = Dataset.read_pages(data_dir)
    if wanted:
        pages = pages[Dataset.match_pages(pages, wanted)]
    names = pages["page_name"].astype("string").fillna("?").tolist()
    labels = [n if pd.isna(c) or c == n else f"{n} ({c})"
              for n, c in zip(names, pages["municipality_code"].astype("string"))]
    if wanted:
        out.municipality = " and ".join(dict.fromkeys(labels)) or wanted
        out.title = " and ".join(dict.fromkeys(names)) or wanted
    elif len(labels) == 1:  # a dataset of one page: named, not counted
        out.only = labels[0]
    out.pages = len(pages)
    times = _post_times(data_dir, pages["page_id"].tolist() if wanted else None)["created_at"]
    if start:
        times = times[times >= pd.Timestamp(start, tz="UTC")]
    if end:
        times = times[times < pd.Timestamp(end, tz="UTC")]
    out.posts = len(times)
    if len(times):
        out.period = (f"{times.min():%Y-%m-%d}", f"{times.max():%Y-%m-%d}")
    return out


def _post_times(data_dir: Path, page_ids=None):
    """``page_id`` and ``created_at`` of the dataset's posts (of ``page_ids`` only): two columns read."""
    import pandas as pd

    from .._store import locate
    from ..schema import _read_partitioned

    where = locate(Path(data_dir))
    wanted = None if page_ids is None else {str(p) for p in page_ids}
    if (where / "posts").is_dir():
        return _read_partitioned(where / "posts", "posts", wanted, columns=["created_at"])
    frame = pd.read_parquet(where / "posts.parquet", columns=["page_id", "created_at"])
    return frame if wanted is None else frame[frame["page_id"].isin(wanted)]


_CSS = """.ks-header{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;color:#1d2430;
background:#f4f6fa;border:1px solid #dde1ea;border-radius:8px;padding:10px 14px;margin:0 0 14px;line-height:1.45}
.ks-header nav{margin-bottom:6px}.ks-header nav a{color:#1f5fbf;text-decoration:none;font-weight:600}
.ks-header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
.ks-header dt{color:#5a6475;margin:0;font-weight:normal}.ks-header dd{margin:0}
.ks-header code{font-size:12px;background:#e8ebf2;padding:0 3px;border-radius:3px}
.ks-header .ks-synthetic{margin:8px 0 0;padding:6px 10px;background:#fff6e0;border-left:4px solid #de8f05}"""


def header_html(f: Facts) -> str:
    """The header as one HTML block (no blank line: Markdown keeps it whole), every value escaped.

    Marked ``tex2jax_ignore`` so that MathJax leaves a ``$`` in a page name as it is.
    """
    def esc(value) -> str:  # on one line: a blank line in a value would end the HTML block
        return render.escape(" ".join(str(value).split()))

    rows = [("Dataset", f"<code>{esc(f.dataset)}</code>" + (f" (read from <code>{esc(f.data)}</code>)" if f.data
                                                            else ""))]
    if f.per_page and f.municipality:
        who = esc(f.municipality)
    elif f.only:
        who = f"{esc(f.only)}, the dataset's one page"
    else:
        who = (f"all {f.pages:,} pages" if f.pages is not None else "all pages") + ("" if f.per_page else
                                                                                   ", side by side")
    rows.append(("Municipality", who))
    if f.period:
        when = f"{esc(f.period[0])} to {esc(f.period[1])} (first and last post, UTC), {f.posts:,} posts"
    else:
        when = "no posts" if f.posts == 0 else "unknown (no processed data found)"
    if f.requested:
        when += f"; asked for: {esc(f.requested)}"
    rows.append(("Period", when))
    if f.parameters:
        rows.append(("Parameters", ", ".join(f"<code>{esc(k)} = {esc(repr(v))}</code>"
                                             for k, v in f.parameters.items())))
    rows.append(("Data version", f"manifest <code>{esc(f.manifest)}</code>" if f.manifest else "–"))
    rows.append(("Package", f"kommunsocial {esc(f.version)}"))
    parts = [f"<div class='ks-header tex2jax_ignore mathjax_ignore'><style>{' '.join(_CSS.splitlines())}</style>",
             f"<nav><a href='{esc(f.index_href)}'>← All reports for {esc(f.dataset)}</a></nav>",
             "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"]
    if f.synthetic:
        parts.append(f"<p class='ks-synthetic'>{esc(f.synthetic)}</p>")
    parts.append("</div>")
    return "".join(parts)


def add_header(nb, f: Facts) -> None:
    """Put the header first in the executed notebook ``nb`` (once), record the facts in its
    metadata (``kommunsocial.header``, for the index), and give a per-municipality report's
    title the municipality's name."""
    import nbformat

    nb.cells = [c for c in nb.cells if HEADER_TAG not in c.get("metadata", {}).get("tags", [])]
    cell = nbformat.v4.new_markdown_cell(header_html(f))
    cell.metadata["tags"] = [HEADER_TAG]
    nb.cells.insert(0, cell)
    nb.metadata.setdefault("kommunsocial", {})["header"] = asdict(f)
    if f.per_page and f.title:
        for c in nb.cells[1:]:
            if c.cell_type != "markdown":
                continue
            lines = c.source.split("\n")
            heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
            if heading is not None:
                named = f" — {render.markdown_text(' '.join(f.title.split()))}"
                if not lines[heading].rstrip().endswith(named):  # added once, however often the header is
                    lines[heading] = lines[heading].rstrip() + named
                    c.source = "\n".join(lines)
                break
