"""Run the analysis notebooks with papermill, convert them to HTML, and write the reports' index page."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .. import config
from .._version import __version__
from . import header, render
from .._atomic import atomic_write
from ..errors import KommunsocialError
from ..schema import Dataset

__all__ = ["open_dataset", "run_notebook", "build_index", "notebooks", "municipalities", "install_kernel", "ReportError",
           "KERNEL_NAME", "FAILED_SUFFIX", "check_municipality", "municipality_folder", "failures", "datasets"]

#: The Jupyter kernel `make` registers inside the project's virtual environment.
KERNEL_NAME = "kommunsocial"

#: A report that failed under ``record_failure`` leaves ``<name>.failed.json`` where its HTML would be.
FAILED_SUFFIX = ".failed.json"


class ReportError(KommunsocialError):
    """A report notebook failed: names the notebook, the cell and the cause."""


def open_dataset(dataset: str, *, data_dir: str = "", municipality: str = "", start: str = "",
                 end: str = "") -> Dataset:
    """The processed dataset a report works on, narrowed to a municipality and period if asked.

    ``data_dir`` overrides where the processed tables are read from (default
    ``data/processed/<dataset>``).
    """
    folder = Path(data_dir) if data_dir else config.processed_dir(dataset)
    pages = None
    if municipality and (folder / "pages.parquet").is_file():
        # read only the municipality's partitions; select() below still checks and narrows
        ds_pages = Dataset.read_pages(folder)
        hit = Dataset.match_pages(ds_pages, municipality)
        pages = ds_pages.loc[hit, "page_id"].tolist() if hit.any() else None
    ds = Dataset.read(folder, pages=pages)
    if municipality or start or end:
        ds = ds.select(page=municipality or None, start=start or None, end=end or None)
    return ds


def municipalities(dataset: str, *, data_dir=None) -> list[str]:
    """Each page's municipality code, or its page id when it has none: what ``MUNICIPALITY=`` takes.

    Read from the processed pages table alone, so it is quick for ``make``.
    """
    import pandas as pd

    folder = Path(data_dir) if data_dir else config.processed_dir(dataset)
    if not (folder / "pages.parquet").is_file():
        raise FileNotFoundError(f"{folder}: no processed dataset here; run `make data DATASET={dataset}` first")
    pages = pd.read_parquet(folder / "pages.parquet", columns=["page_id", "municipality_code"])
    codes = pages["municipality_code"].astype("string").fillna(pages["page_id"].astype("string"))
    return sorted(dict.fromkeys(codes.tolist()))


def check_municipality(dataset: str, name: str, *, data_dir=None) -> None:
    """Raise :class:`ReportError` when the processed dataset has no page that ``name`` names (a code,
    page id, page name or handle); the message lists every page's name and code.

    A dataset not processed yet cannot be checked: that passes (the ingest comes first).
    """
    import pandas as pd

    folder = Path(data_dir) if data_dir else config.processed_dir(dataset)
    if not name or not (folder / "pages.parquet").is_file():
        return
    pages = Dataset.read_pages(folder)
    if Dataset.match_pages(pages, name).any():
        return
    codes = pages["municipality_code"].astype("string").fillna(pages["page_id"].astype("string"))
    known = sorted(f"{n} ({c})" for n, c in zip(pages["page_name"].astype("string").fillna("?"), codes))
    raise ReportError(f"dataset {dataset!r}: no municipality named {name!r} (by code, page id or name). "
                      f"Known: {', '.join(known) or 'none'}")


def municipality_folder(name: str) -> str:
    """The reports folder of ``MUNICIPALITY=name``: the name with every character that a make target
    or a shell would take apart (spaces, parentheses, quotes, ``%:#$*?``...) replaced by ``_``.

    A function of the name alone, so the folder does not change once the dataset is processed.

    >>> municipality_folder("Lyngstad kommune (test)")
    'Lyngstad_kommune__test_'
    >>> municipality_folder("0187")
    '0187'
    """
    folder = re.sub(r"[^\w.-]", "_", str(name))
    return "_" + folder if folder.startswith(".") else folder


def datasets() -> list[str]:
    """The datasets of this project: folders under ``data/raw/`` or ``data/processed/``."""
    return sorted({d.name for base in (config.raw_dir(), config.processed_dir()) if base.is_dir()
                   for d in base.iterdir() if d.is_dir() and not d.name.startswith(".")})


def failures(reports) -> list[dict]:
    """The failure records under a reports folder (its own and its municipalities'), in path order:
    each ``{"path", "notebook", "error", "parameters"}`` with ``path`` relative to ``reports``."""
    reports = Path(reports)
    records = []
    for path in sorted(reports.glob(f"*{FAILED_SUFFIX}")) + sorted(reports.glob(f"*/*{FAILED_SUFFIX}")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            record = {"notebook": path.name, "error": f"unreadable failure record: {exc}"}
        records.append({"path": path.relative_to(reports).as_posix(), "notebook": str(record.get("notebook")),
                        "error": str(record.get("error")), "parameters": dict(record.get("parameters") or {})})
    return records


def notebooks(folder=None) -> list[Path]:
    """The report notebooks, in order (``notebooks/NN-*.ipynb``)."""
    folder = Path(folder) if folder else config.project_root() / "notebooks"
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def install_kernel(name: str = KERNEL_NAME) -> Path:
    """Register this environment's Python as the Jupyter kernel ``name`` inside the environment.

    The kernel logs only errors: ipykernel's notice about unencrypted local TCP would otherwise be
    printed once for every report a batch runs.
    """
    import sys

    from ipykernel.kernelspec import install

    folder = Path(install(kernel_name=name, display_name=f"Python ({name})", prefix=sys.prefix))
    spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    flag = "--IPKernelApp.log_level=ERROR"
    if flag not in spec["argv"]:
        spec["argv"].append(flag)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return folder


def _kernel_available(name: str) -> bool:
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        return name in KernelSpecManager().find_kernel_specs()
    except Exception:  # pragma: no cover - jupyter_client missing or broken
        return False


def run_notebook(notebook, out_dir, *, parameters: dict | None = None, kernel: str | None = None,
                 html_output: bool = True, progress: bool = False, record_failure: bool = False) -> Path:
    """Execute ``notebook`` with ``parameters`` into ``out_dir`` and convert it to HTML without code.

    Writes ``<out_dir>/<name>.ipynb`` (the executed notebook, with papermill's provenance in its
    metadata) and ``<out_dir>/<name>.html``; a notebook with an ``out_dir`` parameter saves its
    figures, tables and graphs in ``<out_dir>/<name>/``. The report is written under temporary names
    and moved into place only when everything succeeded, so a failure leaves no half-written report.
    A failing cell raises :class:`ReportError` naming the notebook, the cell and the cause.
    ``progress`` shows a bar of the cells executed.

    With ``record_failure`` a failure is written to ``<out_dir>/<name>.failed.json`` (notebook,
    error and parameters) instead of raised, the report of an earlier run is removed (it no longer matches the
    data), and the record's path is returned: ``make`` goes on with the other reports and the index
    lists the failure. A success removes an earlier record.
    """
    notebook, out_dir = Path(notebook), Path(out_dir)
    record = out_dir / f"{notebook.stem}{FAILED_SUFFIX}"
    try:
        page = _execute(notebook, out_dir, parameters, kernel, html_output, progress)
    except ReportError as exc:
        if not record_failure:
            raise
        for stale in (out_dir / f"{notebook.stem}.html", out_dir / f"{notebook.stem}.ipynb"):
            stale.unlink(missing_ok=True)
        with atomic_write(record) as tmp:
            # with the parameters, so the index can tell a municipality's folder from another run's
            params = {k: v for k, v in (parameters or {}).items() if k != "out_dir"}
            tmp.write_text(json.dumps({"notebook": notebook.name, "error": str(exc), "parameters": params},
                                      indent=1, default=str) + "\n",
                           encoding="utf-8")
        return record
    record.unlink(missing_ok=True)
    return page


def _execute(notebook: Path, out_dir: Path, parameters, kernel, html_output, progress) -> Path:
    import papermill as pm

    from ._execution import QuietShutdownKernelManager, describe_failure

    out_dir.mkdir(parents=True, exist_ok=True)
    kernel = kernel or (KERNEL_NAME if _kernel_available(KERNEL_NAME) else "python3")
    parameters = dict(parameters or {})
    try:
        declared = pm.inspect_notebook(str(notebook))
    except Exception:  # no kernel named in its metadata, say: the execution below says what is wrong
        declared = {}
    if "out_dir" not in parameters and "out_dir" in declared:
        # figures, tables and graphs go beside the report, in a folder named after it
        parameters["out_dir"] = str(out_dir / notebook.stem)
    executed = out_dir / f"{notebook.stem}.ipynb"
    page = out_dir / f"{notebook.stem}.html"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".run-") as tmp:
        tmp_nb = Path(tmp) / executed.name
        started = time.time()
        try:
            pm.execute_notebook(str(notebook), str(tmp_nb), parameters=parameters, kernel_name=kernel,
                                progress_bar=progress, log_output=False, cwd=str(config.project_root()),
                                kernel_manager_class=QuietShutdownKernelManager)
        except pm.PapermillExecutionError as exc:
            message, details = describe_failure(notebook, exc, injected=bool(parameters))
            error = ReportError(message)
            error.details = details  # the cell's traceback, for `kommunsocial --debug`
            raise error from None
        except Exception as exc:  # kernel died, missing kernel, unreadable notebook
            raise ReportError(f"{notebook.name}: could not be executed: {type(exc).__name__}: {exc}") from None
        _add_provenance(tmp_nb, notebook, out_dir, parameters, time.time() - started)
        outputs = [(tmp_nb, executed)]
        if html_output:
            tmp_html = Path(tmp) / page.name
            tmp_html.write_text(to_html(tmp_nb), encoding="utf-8")
            outputs.append((tmp_html, page))
        for src, dst in outputs:
            os.replace(src, dst)
    return page if html_output else executed


def _add_provenance(path: Path, notebook: Path, out_dir: Path, parameters: dict, seconds: float):
    """Record the run in the executed notebook's metadata and put the report's header first
    (:mod:`.header`: what it shows, from which data, a link to the index)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    scope = nb.metadata.get("kommunsocial", {}).get("scope", "")
    try:
        facts = header.facts(parameters, notebook=notebook, out_dir=out_dir, scope=scope)
    except (KommunsocialError, OSError, ValueError) as exc:  # the data changed under the run, say
        raise ReportError(f"{notebook.name}: its header could not be made: {type(exc).__name__}: {exc}") from None
    data_dir = parameters.get("data_dir") or (config.processed_dir(parameters["dataset"])
                                              if parameters.get("dataset") else None)
    nb.metadata["kommunsocial"] = {"version": __version__,
                                   "parameters": {k: v for k, v in parameters.items() if k != "out_dir"},
                                   "manifest_sha256": header.manifest_hash(data_dir) if data_dir else None,
                                   "run_seconds": round(seconds, 1), **({"scope": scope} if scope else {})}
    if facts is not None:
        header.add_header(nb, facts)
    title = _title(nb)
    if title:
        nb.metadata["title"] = title
    nbformat.write(nb, path)


def _title(nb) -> str | None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if m:  # without Markdown's backslash escapes (a page name's "\(" in the title)
                return re.sub(r"\\(.)", r"\1", m.group(1).strip())
    return None


def to_html(path) -> str:
    """HTML of an executed notebook without code cells, prompts or warnings printed to stderr."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


# ---------------------------------------------------------------------------------------------
_INDEX_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;color:#1d2430;line-height:1.5}
h1{font-size:1.7rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dde;
padding-bottom:.2rem} .sub{color:#5a6475;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.92rem} th,td{text-align:left;padding:.35rem .6rem;
border-bottom:1px solid #e6e8ee;vertical-align:top} th{background:#f4f6fa}
td.n{text-align:right;font-variant-numeric:tabular-nums} a{color:#1f5fbf}
code{background:#f4f6fa;padding:0 .25rem;border-radius:3px;font-size:.85rem}
td.files{font-size:.85rem;max-width:26rem;word-break:break-word}
.failed{color:#a3261b} .synthetic{background:#fff6e0;border-left:4px solid #de8f05;padding:.4rem .8rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap} .card{flex:1;min-width:9rem;background:#f4f6fa;border-radius:8px;
padding:.7rem 1rem} .card b{display:block;font-size:1.4rem}
"""


def build_index(dataset: str, *, reports=None, data_dir=None) -> Path:
    """Write ``reports/<dataset>/index.html``: the dataset's summary, and a link to every report
    with its provenance (package version, parameters, data manifest hash, run time)."""
    reports = Path(reports) if reports else config.reports_dir(dataset)
    data_dir = Path(data_dir) if data_dir else config.processed_dir(dataset)
    manifest = {}
    if (data_dir / "manifest.json").is_file():
        manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    esc = render.escape
    counts = manifest.get("counts", {})
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>kommunsocial reports: "
             f"{esc(dataset)}</title><meta name='viewport' content='width=device-width,initial-scale=1'>"
             f"<style>{_INDEX_CSS}</style></head><body>",
             f"<h1>Reports for <code>{esc(dataset)}</code></h1>",
             f"<p class='sub'>kommunsocial {esc(__version__)} · data <code>data/processed/{esc(dataset)}</code></p>",
             "<div class='cards'>"]
    for key, label in (("pages", "pages"), ("posts", "posts"), ("comments", "comments"),
                       ("quarantine", "quarantined records")):
        parts.append(f"<div class='card'><b>{counts.get(key, '–'):,}</b>{label}</div>"
                     if isinstance(counts.get(key), int) else f"<div class='card'><b>–</b>{label}</div>")
    parts.append("</div>")
    period = manifest.get("period")
    if period:
        parts.append(f"<p class='sub'>Posts from {esc(period['first_post'][:10])} to {esc(period['last_post'][:10])} "
                     f"(UTC) · data version: manifest <code>{esc(header.manifest_hash(data_dir))}</code></p>")
    note = header.synthetic_note(dataset, data_dir)
    if note:
        parts.append(f"<p class='synthetic'>{esc(note)}</p>")
    parts += _headlines(reports)
    dataset_pages = sorted(p for p in reports.glob("*.html") if p.name != "index.html")
    failed = {f["path"]: f for f in failures(reports)} if reports.is_dir() else {}
    if failed:
        parts.append(f"<h2>Failed reports</h2><p class='sub'>{len(failed)} report(s) failed; the others were "
                     "built. Fix the cause and run <code>make reports</code> again.</p>"
                     "<table><tr><th>report</th><th>error</th></tr>")
        parts += [f"<tr><td><code>{esc(path.removesuffix(FAILED_SUFFIX))}</code></td>"
                  f"<td class='failed'>{esc(f['error'])}</td></tr>" for path, f in failed.items()]
        parts.append("</table>")
    parts.append("<h2>Reports</h2><table><tr><th>report</th><th>figures, tables and graphs</th><th>parameters</th>"
                 "<th>run</th></tr>")
    for page in dataset_pages:
        parts.append(_report_row(page, reports))
    parts.append("</table>")
    # a municipality's folder holds numbered reports; the seminar's folders (a coding sheet, a dry
    # run) hold other pages and are not municipalities
    folders = sorted(d for d in reports.iterdir() if d.is_dir() and not d.name.startswith(".")
                     and (any(d.glob("*.html")) or any(d.glob(f"*{FAILED_SUFFIX}")))) if reports.is_dir() else []
    names = _page_names(data_dir) if folders else {}
    municipal = {d: _municipality_of(d, failed, names) for d in folders}
    others = [d for d in folders if municipal[d] is None]
    folders = [d for d in folders if municipal[d] is not None]
    if folders:
        stems = sorted({p.stem for d in folders for p in d.glob("[0-9][0-9]-*.html")}
                       | {p.name.removesuffix(FAILED_SUFFIX) for d in folders
                          for p in d.glob(f"[0-9][0-9]-*{FAILED_SUFFIX}")})
        parts.append("<h2>Per municipality</h2><table><tr><th>municipality</th>"
                     + "".join(f"<th>{esc(s)}</th>" for s in stems) + "</tr>")
        for d in folders:
            cells = "".join(f"<td><a href='{render.href(f'{d.name}/{s}.html')}'>{esc(s.split('-', 1)[-1])}</a></td>"
                            if (d / f"{s}.html").is_file() else
                            "<td class='failed'>failed</td>" if f"{d.name}/{s}{FAILED_SUFFIX}" in failed
                            else "<td>–</td>" for s in stems)
            parts.append(f"<tr><td>{esc(municipal[d])} <code>{esc(d.name)}</code></td>{cells}</tr>")
        parts.append("</table>")
    if others:  # a seminar's run, a report written into a folder of its own: not a municipality
        parts.append("<h2>Other runs</h2><p class='sub'>Reports in folders of their own that are not a "
                     "municipality's (a seminar, for example).</p><table><tr><th>report</th>"
                     "<th>figures, tables and graphs</th><th>parameters</th><th>run</th></tr>")
        parts += [_report_row(page, reports) for d in others for page in sorted(d.glob("*.html"))]
        parts += [f"<tr><td><code>{esc(path.removesuffix(FAILED_SUFFIX))}</code></td><td class='failed' colspan='3'>"
                  f"failed: {esc(f['error'])}</td></tr>" for path, f in failed.items()
                  if any(path.startswith(f"{d.name}/") for d in others)]
        parts.append("</table>")
    inputs = manifest.get("inputs", [])
    if inputs:
        parts.append("<h2>Sources</h2><table><tr><th>file</th><th>format</th><th class='n'>posts</th>"
                     "<th class='n'>comments</th><th class='n'>quarantined</th><th>sha256</th></tr>")
        for i in inputs:
            parts.append(f"<tr><td>{esc(i['file'])}</td><td>{esc(str(i.get('format')))}</td>"
                         f"<td class='n'>{i.get('posts', 0):,}</td><td class='n'>{i.get('comments', 0):,}</td>"
                         f"<td class='n'>{i.get('quarantined', 0):,}</td><td><code>{esc(i['sha256'][:16])}</code></td>"
                         f"</tr>")
        parts.append("</table>")
    reasons = manifest.get("quarantined_by_reason", {})
    if reasons:
        parts.append("<h2>Quarantine</h2><table><tr><th>reason</th><th class='n'>records</th></tr>")
        parts += [f"<tr><td>{esc(k)}</td><td class='n'>{v:,}</td></tr>" for k, v in reasons.items()]
        parts.append("</table>")
    parts.append("</body></html>\n")
    reports.mkdir(parents=True, exist_ok=True)
    out = reports / "index.html"
    with atomic_write(out) as tmp:
        tmp.write_text("\n".join(parts), encoding="utf-8")
    return out


_EXPORT_KINDS = (("figures", (".png", ".svg")), ("tables", (".csv",)), ("graphs", (".gexf", ".graphml")))


def _report_row(page: Path, reports: Path) -> str:
    esc = render.escape
    rel = page.relative_to(reports).as_posix()
    meta = _report_meta(page.with_suffix(".ipynb"))
    params = ", ".join(f"{k}={v!r}" for k, v in meta.get("parameters", {}).items() if v not in ("", None))
    run = f"{meta.get('run_seconds', '?')} s · manifest {meta.get('manifest_sha256') or '–'} · v{meta.get('version', '?')}"
    exports = page.with_suffix("")
    links = []
    if exports.is_dir():
        for kind, suffixes in _EXPORT_KINDS:
            files = sorted(f for f in exports.rglob("*") if f.suffix in suffixes)
            by_name = {}  # one entry per figure, its formats side by side: "forest (png, svg)"
            for f in files:
                by_name.setdefault(f.with_suffix(""), []).append(f)
            items = ", ".join(f"{esc(stem.name)} (" + ", ".join(
                f"<a href='{render.href(f.relative_to(reports).as_posix())}'>{esc(f.suffix[1:])}</a>" for f in group)
                + ")" for stem, group in by_name.items())
            if items:
                links.append(f"<b>{kind}</b>: {items}")
    return (f"<tr><td><a href='{render.href(rel)}'>{esc(meta.get('title') or page.stem)}</a>"
            f"<br><code>{esc(rel)}</code></td>"
            f"<td class='files'>{'<br>'.join(links) or '–'}</td><td><code>{esc(params)}</code></td>"
            f"<td>{esc(run)}</td></tr>")


def _municipality_of(folder: Path, failed: dict, names: dict) -> str | None:
    """The municipality whose reports ``folder`` holds, as the index shows it, or None when it is
    no municipality's: it holds no numbered report (a seminar's coding sheet), or its reports were
    run for no municipality (a seminar's run, a report written into a folder of its own).

    Read from the reports' own records: the executed notebook's header and parameters, or a
    failure record's parameters; a folder whose records say nothing (written by an older version)
    is taken for a municipality's, named by its page when the folder's name is one of ``names``.
    """
    if not (any(folder.glob("[0-9][0-9]-*.html")) or any(folder.glob(f"[0-9][0-9]-*{FAILED_SUFFIX}"))):
        return None
    records = [_report_meta(p) for p in sorted(folder.glob("*.ipynb"))]
    records += [f for path, f in failed.items() if path.startswith(f"{folder.name}/")]
    said = [r for r in records if r.get("parameters")]
    for r in said:
        wanted = str(r["parameters"].get("municipality") or "")
        if wanted and r.get("scope") != "dataset":
            return (r.get("header") or {}).get("title") or names.get(wanted, wanted)
    if said:
        return None
    return next((n for c, n in names.items() if municipality_folder(c) == folder.name), folder.name)


def _page_names(data_dir: Path) -> dict:
    """Municipality code (or page id) → page name, for the index's per-municipality table."""
    import pandas as pd

    path = data_dir / "pages.parquet"
    if not path.is_file():
        return {}
    pages = pd.read_parquet(path, columns=["page_id", "page_name", "municipality_code"])
    codes = pages["municipality_code"].astype("string").fillna(pages["page_id"].astype("string"))
    return dict(zip(codes, pages["page_name"].astype(str)))


def _headlines(reports: Path) -> list[str]:
    """Headline figures from the comparison report's table, when it has been built."""
    import pandas as pd

    tables = sorted((reports / "05-compare-municipalities").glob("*.csv")) if reports.is_dir() else []
    if not tables:
        return []
    table = pd.read_csv(tables[0])
    facts = []
    for col, label, fmt in (("share_conversational", "conversational posts (median municipality)", "{:.0%}"),
                            ("E", "engagement E per 1,000 followers (median)", "{:.1f}"),
                            ("answer_rate", "threads answered by the municipality (median)", "{:.0%}"),
                            ("median_hours_to_answer", "hours to the first answer (median municipality)", "{:.1f}")):
        if col in table and table[col].notna().any():
            facts.append(f"<div class='card'><b>{fmt.format(table[col].median())}</b>{render.escape(label)}</div>")
    return ["<h2>Headline figures</h2><div class='cards'>", *facts, "</div>"] if facts else []


def _report_meta(executed: Path) -> dict:
    if not executed.is_file():
        return {}
    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    meta = dict(nb.get("metadata", {}).get("kommunsocial", {}))
    meta["title"] = nb.get("metadata", {}).get("title")
    return meta


def clean_reports(folder) -> None:
    """Remove a reports folder (used by ``make clean``)."""
    shutil.rmtree(folder, ignore_errors=True)
