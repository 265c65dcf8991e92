"""The make targets as functions, for a class without ``make`` (native Windows, conda, pip only).

``kommunsocial data``, ``reports``, ``municipality-reports``, ``lab``, ``sample`` and ``clean`` call
these. They decide what is out of date as the ``Makefile`` does and share its stamps
(``.make/<dataset>.raw``, ``.make/<dataset>.accounts``), so ``make`` and ``kommunsocial`` can be
used in turn on one project without redoing each other's work:

- a dataset is ingested again when its manifest is older than the digest stamp of its raw folder
  (:mod:`kommunsocial.rawdigest`), than the stamp of the X accounts named, or than the ingest code;
- a report is run again when its HTML is older than its notebook, the manifest or any file of
  the package, when it was run with other parameters, or when it failed.

Nothing here writes under ``data/raw/`` except :func:`write_sample`, and that only into a folder
that is empty or holds a sample already.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import config
from .errors import KommunsocialError

__all__ = ["WorkflowError", "INGEST_CODE", "DATASET_ONLY", "check_dataset_name", "stamps", "ingest_reason",
           "ingest_if_needed", "report_jobs", "municipality_jobs", "is_current", "run_jobs", "clean",
           "write_sample", "ensure_kernel", "lab_command"]

#: The package files whose change makes an ingest out of date (the Makefile's ``INGEST_CODE``):
#: folders end with ``/``, paths are relative to the package.
INGEST_CODE = ("io/", "clean.py", "privacy.py", "schema.py", "_store.py", "ingest.py")

#: Report notebooks built for the whole dataset only, never per municipality (the comparison).
DATASET_ONLY = ("05-",)

#: Files of the package a report depends on (the Makefile's ``PACKAGE``).
_PACKAGE_SUFFIXES = (".py", ".json", ".tsv", ".csv")


class WorkflowError(KommunsocialError):
    """A step that cannot go ahead: names the dataset or folder and what to do."""


def check_dataset_name(name: str) -> str:
    """``name`` if it can name a dataset: one folder name under ``data/raw/`` (no path, not hidden).

    A dataset name becomes part of paths that :func:`clean` removes, so ``..`` or ``a/b`` never
    pass.

    >>> check_dataset_name("mystudy")
    'mystudy'
    >>> check_dataset_name("../x")
    Traceback (most recent call last):
    ...
    kommunsocial.workflow.WorkflowError: '../x' is not a dataset name: give the name of a folder under data/raw/ (letters, digits, - _ .), not a path
    """
    name = str(name)
    if (not name or name.startswith(".") or any(c in name for c in "/\\:\0")
            or name != name.strip()):
        raise WorkflowError(f"{name!r} is not a dataset name: give the name of a folder under data/raw/ "
                            "(letters, digits, - _ .), not a path")
    return name


def _package_files(under: tuple[str, ...] | None = None) -> list[Path]:
    root = Path(__file__).resolve().parent
    files = [p for p in root.rglob("*") if p.suffix in _PACKAGE_SUFFIXES and p.is_file()
             and "__pycache__" not in p.parts]
    if under is None:
        return files
    return [p for p in files if any(p.relative_to(root).as_posix().startswith(u) if u.endswith("/")
                                    else p.relative_to(root).as_posix() == u for u in under)]


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def stamps(dataset: str) -> dict[str, Path]:
    """The Makefile's stamps of ``dataset``: ``raw`` (digest of the raw folder), its hash cache,
    and ``accounts`` (the X accounts of the last ingest)."""
    folder = config.project_root() / ".make"
    return {"raw": folder / f"{dataset}.raw", "raw_cache": folder / f"{dataset}.raw-cache.json",
            "accounts": folder / f"{dataset}.accounts"}


def _write_if_changed(path: Path, text: str) -> None:
    from ._atomic import atomic_write

    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def ingest_reason(dataset: str, *, accounts=(), force: bool = False) -> str | None:
    """Why ``dataset`` must be ingested (again), or ``None`` when its processed tables are current.

    Refreshes the stamps first, as every ``make`` run does: the digest of ``data/raw/<dataset>/``
    and the accounts (``make``'s ``ACCOUNTS``, comma-separated) are rewritten only when they changed.
    A dataset with no raw folder but processed tables (copied from elsewhere) is current.
    """
    from .rawdigest import update_stamp

    check_dataset_name(dataset)
    raw, manifest = config.raw_dir(dataset), config.processed_dir(dataset) / "manifest.json"
    if not raw.is_dir():
        if manifest.is_file() and not force:
            return None
        from .report.run import datasets

        raise WorkflowError(f"no raw data in data/raw/{dataset}/: put your exports there (see README.md). "
                            f"Datasets: {', '.join(datasets()) or 'none'}")
    stamp = stamps(dataset)
    update_stamp(raw, stamp["raw"])
    _write_if_changed(stamp["accounts"], ",".join(accounts) + "\n")
    if not manifest.is_file():
        return "not ingested yet"
    if force:
        return "asked to"
    built = _mtime(manifest)
    if _mtime(stamp["raw"]) > built:
        return "the raw files changed"
    if _mtime(stamp["accounts"]) > built:
        return "the X accounts changed"
    if any(_mtime(p) > built for p in _package_files(INGEST_CODE)):
        return "the ingest code changed"
    return None


def ingest_if_needed(dataset: str, *, accounts=(), force: bool = False, progress: bool = True):
    """Ingest ``data/raw/<dataset>`` into ``data/processed/<dataset>`` when :func:`ingest_reason`
    says so; returns ``(dataset, reason)``, or ``(None, None)`` when it was current."""
    from .ingest import ingest

    accounts = [a.strip() for given in accounts or () for a in str(given).split(",") if a.strip()]
    reason = ingest_reason(dataset, accounts=accounts, force=force)
    if reason is None:
        return None, None
    ds = ingest(config.raw_dir(dataset), config.processed_dir(dataset), progress=progress,
                options={"account": accounts} if accounts else None)
    return ds, reason


# -- reports -------------------------------------------------------------------------------------
def report_jobs(dataset: str, *, municipality: str = "", parameters: dict | None = None) -> list[tuple]:
    """``(notebook, out_dir, parameters)`` for every report notebook of ``make reports``: in
    ``reports/<dataset>/``, or ``reports/<dataset>/<municipality folder>/`` for one municipality."""
    from .report.run import municipality_folder, notebooks

    out = config.reports_dir(dataset) / (municipality_folder(municipality) if municipality else "")
    params = {"dataset": dataset, **({"municipality": str(municipality)} if municipality else {}),
              **(parameters or {})}
    return [(nb, out, params) for nb in notebooks()]


def municipality_jobs(dataset: str) -> list[tuple]:
    """The jobs of ``make municipality-reports``: every report for the whole dataset, and every
    report but the comparison for each municipality (by code, else page id) in its own folder."""
    from .report.run import municipalities, notebooks

    jobs = report_jobs(dataset)
    for code in municipalities(dataset):
        jobs += [(nb, config.reports_dir(dataset) / code, {"dataset": dataset, "municipality": code})
                 for nb in notebooks() if not nb.name.startswith(DATASET_ONLY)]
    return jobs


def _newest_code() -> int:
    """The latest modification time of the package's files."""
    return max(map(_mtime, _package_files()), default=0)


def is_current(notebook, out_dir, parameters: dict, *, newest_code: int | None = None) -> bool:
    """Whether the report of ``notebook`` in ``out_dir`` is up to date, as ``make`` would judge it
    (not older than the notebook, the dataset's manifest or a file of the package) and was run
    with ``parameters``. ``newest_code``: :func:`_newest_code`, when the caller judges many reports."""
    from .report.run import _report_meta

    notebook, out_dir = Path(notebook), Path(out_dir)
    page = out_dir / f"{notebook.stem}.html"
    if not page.is_file():
        return False
    data = Path(parameters.get("data_dir") or config.processed_dir(parameters["dataset"]))
    built = _mtime(page)
    if any(p.is_file() and _mtime(p) > built for p in (notebook, data / "manifest.json")):
        return False
    if (_newest_code() if newest_code is None else newest_code) > built:
        return False
    recorded = _report_meta(page.with_suffix(".ipynb")).get("parameters")
    return recorded == {k: v for k, v in parameters.items() if k != "out_dir"}


def run_jobs(jobs, *, force: bool = False, processes: int = 1, progress: bool = False):
    """Run the report jobs that are not current (all with ``force``), ``processes`` at a time.

    Yields ``(notebook, path, ran)`` as each finishes: ``path`` is the HTML, or the failure record
    when it failed (a failure does not stop the others); ``ran`` is False for a report that was
    current.
    """
    from .report.run import run_notebook

    todo = []
    newest = _newest_code()  # once, not once per report: a country has a thousand of them
    for notebook, out_dir, params in jobs:
        if not force and is_current(notebook, out_dir, params, newest_code=newest):
            yield notebook, Path(out_dir) / f"{Path(notebook).stem}.html", False
        else:
            todo.append((notebook, out_dir, params))
    if processes <= 1 or len(todo) <= 1:
        for notebook, out_dir, params in todo:
            yield notebook, run_notebook(notebook, out_dir, parameters=params, record_failure=True,
                                         progress=progress), True
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawned, not forked: the parent has pyarrow's threads and maybe zmq sockets, which a fork
    # copies in an unusable state; each child only starts its own kernel
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_notebook, notebook, out_dir, parameters=params, record_failure=True): notebook
                   for notebook, out_dir, params in todo}
        for future in as_completed(futures):
            yield futures[future], future.result(), True


# -- clean, sample, lab --------------------------------------------------------------------------
def clean(dataset: str) -> list[Path]:
    """Remove what ``data`` and ``reports`` made of ``dataset``: ``data/processed/<dataset>/`` (and
    what a killed ingest left beside it), ``reports/<dataset>/`` and the dataset's stamps.

    ``data/raw/`` is never touched. Waits for an ingest of the dataset that is running. Returns
    the paths removed.
    """
    import shutil

    from ._atomic import leftovers, locked

    check_dataset_name(dataset)
    processed = config.processed_dir(dataset)
    removed = []
    with locked(processed, what="ingest or clean"):
        for path in [processed, *leftovers(processed), config.reports_dir(dataset), *stamps(dataset).values()]:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            else:
                continue
            removed.append(path)
    return removed


def write_sample(folder=None, *, format: str = "graph_api", **generate):
    """Generate the synthetic corpus (:func:`kommunsocial.sample.generate` with ``generate``) and
    write it into ``folder`` (default ``data/raw/sample``) as ``format``; returns ``(corpus, files)``.

    Refuses a folder that holds files but no ``planted.json``: that is somebody's export, and raw
    exports are never modified.
    """
    from . import sample

    folder = Path(folder) if folder else config.raw_dir("sample")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / "planted.json").is_file():
        raise WorkflowError(f"{folder}: holds files that are not a kommunsocial sample; write the sample into an "
                            "empty or new folder (raw exports are never overwritten)")
    corpus = sample.generate(**generate)
    return corpus, sample.write(corpus, folder, format=format)


def ensure_kernel() -> Path | None:
    """Register the project's Jupyter kernel in this environment unless it is there; returns its
    folder when it was installed now."""
    from .report.run import KERNEL_NAME, _kernel_available, install_kernel

    return None if _kernel_available(KERNEL_NAME) else install_kernel()


def lab_command(extra=()) -> list[str]:
    """The command that starts JupyterLab on the project's ``notebooks/`` with this environment's
    Python (``python -m jupyterlab``: the same on Windows, macOS and Linux)."""
    return [sys.executable, "-m", "jupyterlab", str(config.project_root() / "notebooks"), *extra]
