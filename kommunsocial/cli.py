"""The ``kommunsocial`` command: every make target, and the steps make runs, without make.

The steps that decide what is out of date live in :mod:`kommunsocial.workflow`; this module parses
arguments and prints. Help texts are plain text, since argparse prints them as they are
(``tests/pipeline/test_cli_help.py`` walks every option for a help text and for markup).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from pathlib import Path

from . import config
from ._version import __version__
from .errors import KommunsocialError

__all__ = ["main", "build_parser", "DEBUG_ENV"]

#: Set to 1 (or pass --debug) to see the Python traceback of an error instead of its one line.
DEBUG_ENV = "KOMMUNSOCIAL_DEBUG"

_DESCRIPTION = """\
Read social-media exports of municipalities, clean and pseudonymise them, and write the reports.
The make targets and their commands (with or without make, on Windows, macOS and Linux):

  make reports               kommunsocial reports [DATASET]     ingest if needed, every report, the index
  make data                  kommunsocial data [DATASET]        only the ingest
  make municipality-reports  kommunsocial municipality-reports  a set of reports per municipality
  make lab                   kommunsocial lab                   JupyterLab with the project's kernel
  make sample                kommunsocial sample                regenerate the bundled sample
  make clean                 kommunsocial clean DATASET         remove processed data and reports

DATASET is a folder under data/raw/ (default: sample, the bundled synthetic corpus)."""


def _show(path) -> str:
    """A path as the user would type it: relative to the current folder when it is inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _RefuseSalt(argparse.Action):
    """``--salt VALUE`` is refused: a command line is visible to every user in the process list."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error("--salt is not accepted: a salt on the command line shows in the process list. Put it in "
                     "the environment (export KOMMUNSOCIAL_SALT=...) or in a file readable only by you "
                     "(--salt-file PATH, or KOMMUNSOCIAL_SALT_FILE=PATH)")


def _summary(ds, out) -> None:
    """What an ingest read, quarantined, merged and missed, as plain lines."""
    reasons = ds.manifest.get("quarantined_by_reason", {})
    print(f"{out}: {len(ds.pages)} pages, {len(ds.posts)} posts, {len(ds.comments)} comments, "
          f"{len(ds.quarantine)} quarantined" + (f" ({', '.join(f'{k}: {v}' for k, v in reasons.items())})"
                                                 if reasons else ""))
    repeats = {t: ds.manifest.get("duplicates_dropped", {}).get(t, 0) + ds.manifest.get("merged_across_formats", {})
               .get(t, 0) for t in ("posts", "comments")}
    if any(repeats.values()):  # the same tweets saved twice, or as JSON and as CSV: one record each
        print(f"  read more than once and merged into one record: {repeats['posts']} posts, "
              f"{repeats['comments']} comments")
    for skipped in ds.manifest.get("skipped_files") or []:  # said here too: a file left out is easy to miss
        print(f"  not read: {skipped['file']} ({skipped['reason']})")
    for gap in ds.manifest.get("missing") or []:
        print(f"  {gap['file']} ({gap['format']}): no {gap['what']}: {gap['consequence']}")


@contextlib.contextmanager
def _gaps_as_lines():
    """What an export lacks is listed by :func:`_summary` as plain lines, not as warnings."""
    import warnings

    from .io._gaps import MissingDataWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingDataWarning)
        yield


def _ingest(args):
    from .ingest import ingest
    from .privacy import get_salt

    salt = get_salt(salt_file=args.salt_file) if args.salt_file else None
    accounts = [a.strip() for given in args.account or [] for a in given.split(",") if a.strip()]
    with _gaps_as_lines():
        ds = ingest(args.raw, args.out, format=args.format, salt=salt, progress=not args.quiet,
                    timezone=args.timezone, options={"account": accounts} if accounts else None)
    _summary(ds, args.out)


def _data(args) -> None:
    """Ingest the dataset when it is out of date (``make data``); say so when it is current."""
    from . import workflow

    with _gaps_as_lines():
        ds, reason = workflow.ingest_if_needed(args.dataset, accounts=args.account or (), force=args.force,
                                               progress=not args.quiet)
    if ds is None:
        print(f"data/processed/{args.dataset}: up to date")
    else:
        _summary(ds, f"data/processed/{args.dataset} ({reason})")


def _sample(args):
    from . import workflow

    options = {k: v for k, v in (("n_pages", args.pages), ("years", args.years), ("seed", args.seed),
                                 ("activity", args.activity)) if v is not None}
    corpus, files = workflow.write_sample(args.out, format=args.format, **options)
    folder = _show(args.out or config.raw_dir("sample"))
    print(f"{folder}: {len(corpus.pages)} pages, {len(corpus.posts)} posts, {len(corpus.comments)} comments "
          f"({', '.join(p.name for p in files)})")


def _params(args) -> dict:
    params = {"dataset": args.dataset}
    if args.municipality:
        params["municipality"] = str(args.municipality)
    return params | _extra_params(args)


def _extra_params(args) -> dict:
    """The notebook parameters given with ``-p NAME=VALUE``."""
    return {key: _literal(value) for key, _, value in (item.partition("=") for item in args.param or [])}


def _literal(value: str):
    """``-p n=12`` is the number 12, ``-p code=0180`` stays the text "0180" (a leading zero is a code)."""
    if re.fullmatch(r"-?(0|[1-9]\d*)", value):
        return int(value)
    if re.fullmatch(r"-?(0|[1-9]\d*)\.\d+", value):
        return float(value)
    return value


def _run_notebook(args):
    from .report.run import FAILED_SUFFIX, check_municipality, run_notebook

    # before anything is written: an unknown municipality leaves no folder behind
    check_municipality(args.dataset, args.municipality)
    page = run_notebook(args.notebook, args.out, parameters=_params(args), kernel=args.kernel,
                        progress=sys.stderr.isatty(), record_failure=args.record_failure)
    if page.name.endswith(FAILED_SUFFIX):  # said here too, so the make log shows it where it happened
        print(f"kommunsocial: {args.notebook} failed, recorded in {_show(page)}", file=sys.stderr)
    else:
        print(_show(page))


def _municipality(args):
    from .report.run import check_municipality, municipality_folder

    check_municipality(args.dataset, args.name)
    print(municipality_folder(args.name))


def _municipalities(args):
    from .report.run import municipalities

    codes = municipalities(args.dataset)
    print(f"MUNICIPALITIES := {' '.join(codes)}" if args.make else "\n".join(codes))


def _kernel(args):
    from .report.run import install_kernel

    print(f"Jupyter kernel installed: {_show(install_kernel())}")


def _index(args):
    from .report.run import ReportError, build_index, datasets, failures

    if args.reports is None and not (config.reports_dir(args.dataset).is_dir()
                                     or config.processed_dir(args.dataset).is_dir()):
        raise ReportError(f"no dataset {args.dataset!r}: nothing in data/processed/{args.dataset}/ or "
                          f"reports/{args.dataset}/. Datasets: {', '.join(datasets()) or 'none'}")
    index = build_index(args.dataset, reports=args.reports)
    print(_show(index))
    failed = failures(index.parent)
    if failed:  # after the index is written, so it lists them
        raise ReportError(f"{len(failed)} report(s) failed (listed in {_show(index)}): "
                          + "; ".join(f["error"] for f in failed))


def _raw_digest(args):
    from .rawdigest import digest, update_stamp

    if args.update is None:
        print(digest(args.raw))
    elif update_stamp(args.raw, args.update):
        print(f"{args.raw}: the raw files changed (stamp {args.update} rewritten)", file=sys.stderr)


def _build(args, jobs) -> None:
    """Run the jobs that are out of date, print each report, then write the index (which exits 1
    when a report failed): what ``make reports`` does after the ingest."""
    from . import workflow
    from .report.run import FAILED_SUFFIX

    processes = max(1, args.jobs or 1)
    for notebook, page, ran in workflow.run_jobs(jobs, force=args.force, processes=processes,
                                                 progress=processes == 1 and sys.stderr.isatty()):
        if page.name.endswith(FAILED_SUFFIX):
            print(f"kommunsocial: {Path(notebook).name} failed, recorded in {_show(page)}", file=sys.stderr)
        else:
            print(_show(page) + ("" if ran else " (up to date)"))
    args.reports = None
    _index(args)


def _reports(args):
    from . import workflow
    from .report.run import check_municipality

    _data_step(args)
    check_municipality(args.dataset, args.municipality)
    _build(args, workflow.report_jobs(args.dataset, municipality=args.municipality, parameters=_extra_params(args)))


def _municipality_reports(args):
    from . import workflow

    _data_step(args)
    _build(args, workflow.municipality_jobs(args.dataset))


def _data_step(args) -> None:
    """The ingest a command needs first, said only when it runs."""
    from . import workflow

    with _gaps_as_lines():
        ds, reason = workflow.ingest_if_needed(args.dataset, accounts=args.account or (), progress=True)
    if ds is not None:
        _summary(ds, f"data/processed/{args.dataset} ({reason})")


def _lab(args) -> int:
    import subprocess

    from . import workflow

    _data_step(args)
    installed = workflow.ensure_kernel()
    if installed:
        print(f"Jupyter kernel installed: {_show(installed)}")
    extra = (["--no-browser"] if args.no_browser else []) + ([f"--port={args.port}"] if args.port else [])
    command = workflow.lab_command(extra)
    print("Starting JupyterLab on notebooks/ (stop it with Ctrl-C, twice)", flush=True)
    lab = subprocess.Popen(command, cwd=config.project_root())
    while True:  # Ctrl-C reaches JupyterLab too, which asks whether to stop: wait for its answer
        try:
            return lab.wait()
        except KeyboardInterrupt:
            continue


def _clean(args):
    from . import workflow

    removed = workflow.clean(args.dataset)
    root = config.project_root()
    for path in removed:
        print(f"removed {path.relative_to(root).as_posix()}")
    if not removed:
        print(f"nothing to remove for {args.dataset}")
    print(f"data/raw/{args.dataset}/ is kept (raw data is never touched)")


def _dataset(value: str) -> str:
    """argparse type of a dataset name: a folder under data/raw/, never a path."""
    from .workflow import WorkflowError, check_dataset_name

    try:
        return check_dataset_name(value)
    except WorkflowError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


_DATASET_HELP = "a folder under data/raw/ (default: sample, the bundled synthetic corpus)"
_MUNICIPALITY_HELP = "one municipality by code, page id or name (kept as text: 0180 stays 0180)"
_PARAM_HELP = ("extra notebook parameter NAME=VALUE, repeatable (whole and decimal numbers become numbers, "
               "except with a leading zero)")
_ACCOUNT_HELP = ("an X account that is a municipality's page (handle or user id; repeat it or separate by commas); "
                 "the ingest is redone when the accounts change")


def _add_build_options(p, *, municipality: bool) -> None:
    """Options shared by the commands that ingest and then run reports."""
    p.add_argument("dataset", nargs="?", default="sample", type=_dataset, help=_DATASET_HELP)
    if municipality:
        p.add_argument("--municipality", default="", help=_MUNICIPALITY_HELP)
        p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", help=_PARAM_HELP)
    p.add_argument("--account", action="append", metavar="HANDLE[,HANDLE…]", help=_ACCOUNT_HELP)
    p.add_argument("--force", action="store_true", help="run every report again, even those up to date")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="reports run at once, each in its own process (default 1; at most the number of cores)")


def build_parser() -> argparse.ArgumentParser:
    import inspect

    from .sample import FORMATS, generate

    sample_default = {k: v.default for k, v in inspect.signature(generate).parameters.items()}
    parser = argparse.ArgumentParser(prog="kommunsocial", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kommunsocial {__version__}",
                        help="print the version and exit")
    parser.add_argument("--debug", action="store_true",
                        help=f"show the Python traceback of an error (or set {DEBUG_ENV}=1)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("reports", aliases=["report"],
                       help="ingest the dataset if needed, run every report notebook, write the index (make reports)",
                       description="Ingest data/raw/DATASET if it changed, run every report notebook that is out "
                                   "of date, and write reports/DATASET/index.html. A report that fails does not "
                                   "stop the others; the command exits 1 at the end, after the index lists it.")
    _add_build_options(p, municipality=True)
    p.set_defaults(func=_reports)

    p = sub.add_parser("municipality-reports",
                       help="every report for the dataset and a set per municipality, then the index "
                            "(make municipality-reports)",
                       description="Every report for the whole dataset, every report but the comparison for "
                                   "each municipality in reports/DATASET/CODE/, then the index. Use --jobs to run "
                                   "several at once.")
    _add_build_options(p, municipality=False)
    p.set_defaults(func=_municipality_reports)

    p = sub.add_parser("data", help="only the ingest of data/raw/DATASET, when it changed (make data)",
                       description="Ingest data/raw/DATASET into data/processed/DATASET when the raw files, the "
                                   "X accounts or the ingest code changed since the last ingest.")
    p.add_argument("dataset", nargs="?", default="sample", type=_dataset, help=_DATASET_HELP)
    p.add_argument("--account", action="append", metavar="HANDLE[,HANDLE…]", help=_ACCOUNT_HELP)
    p.add_argument("--force", action="store_true", help="ingest again even when nothing changed")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_data)

    p = sub.add_parser("lab", help="JupyterLab on notebooks/ with the project's kernel (make lab)",
                       description="Ingest the dataset if needed, register the project's Jupyter kernel if it is "
                                   "not, and start JupyterLab on the notebooks folder (the seminar is in "
                                   "notebooks/seminar/).")
    p.add_argument("dataset", nargs="?", default="sample", type=_dataset,
                   help="the dataset to ingest first if needed: " + _DATASET_HELP)
    p.add_argument("--account", action="append", metavar="HANDLE[,HANDLE…]", help=_ACCOUNT_HELP)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (open the printed address)")
    p.add_argument("--port", type=int, default=None, help="the port JupyterLab listens on (default 8888, or the next free one)")
    p.set_defaults(func=_lab)

    p = sub.add_parser("sample", help="generate the synthetic corpus as raw export files (make sample)",
                       description="Generate the seeded synthetic corpus of fictional municipalities and write it as "
                                   "raw export files. Without options it regenerates the bundled sample in "
                                   "data/raw/sample, the same files every time.")
    p.add_argument("--out", default=None, metavar="FOLDER",
                   help="folder to write, empty or holding a sample (default data/raw/sample)")
    p.add_argument("--pages", type=int, default=None,
                   help=f"number of municipalities' pages (default {sample_default['n_pages']})")
    p.add_argument("--years", type=float, default=None,
                   help=f"years of posts from {sample_default['start']} (default {sample_default['years']})")
    p.add_argument("--seed", type=int, default=None, help="seed of every random draw: the same seed gives the same "
                                                          f"files (default {sample_default['seed']})")
    p.add_argument("--activity", type=float, default=None,
                   help=f"multiplies every page's posting rate (default {sample_default['activity']})")
    p.add_argument("--format", default="graph_api", choices=FORMATS,
                   help="export format to write (default graph_api, as the bundled sample; csv is kommunsocial's "
                        "own layout)")
    p.set_defaults(func=_sample)

    p = sub.add_parser("clean", help="remove the processed data and reports of a dataset, never its raw data "
                                     "(make clean)",
                       description="Remove data/processed/DATASET, reports/DATASET and the dataset's stamps in "
                                   ".make/. data/raw/DATASET is never touched.")
    p.add_argument("dataset", type=_dataset, help="a folder under data/raw/ (required: nothing is removed by default)")
    p.set_defaults(func=_clean)

    p = sub.add_parser("ingest", help="read raw exports from any folders or files into a processed dataset folder")
    p.add_argument("raw", nargs="+", help="raw export files or folders")
    p.add_argument("--out", required=True, help="processed dataset folder, e.g. data/processed/NAME")
    p.add_argument("--format", default=None, help="force one reader for every file (default: recognised from "
                                                   "each file's content)")
    p.add_argument("--salt-file", default=None, metavar="PATH",
                   help="file holding the pseudonymisation key (default: $KOMMUNSOCIAL_SALT, else "
                        "$KOMMUNSOCIAL_SALT_FILE or .kommunsocial-salt, created on first use)")
    # named exactly so that argparse does not take "--salt X" as an abbreviation of --salt-file
    p.add_argument("--salt", nargs="?", action=_RefuseSalt, help=argparse.SUPPRESS)
    p.add_argument("--timezone", default=None, help="zone of naive timestamps in CSV files (default UTC)")
    p.add_argument("--account", action="append", metavar="HANDLE[,HANDLE…]",
                   help="an X account that is a page (handle or user id; repeat it or separate by commas); "
                        "without it an X search takes its authors as pages")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("run-notebook", help="execute one report notebook with papermill and convert it to HTML")
    p.add_argument("notebook", help="the notebook to run, e.g. notebooks/01-data-quality.ipynb")
    p.add_argument("--out", required=True, help="reports folder to write NAME.html and NAME.ipynb into")
    p.add_argument("--kernel", default=None,
                   help="Jupyter kernel to run it with (default: the project's kernel if registered, else python3)")
    p.add_argument("--dataset", required=True, help="the notebook's dataset parameter: a processed dataset's name")
    p.add_argument("--record-failure", action="store_true",
                   help="a failure writes NAME.failed.json for the index and exits 0 (make goes on)")
    p.add_argument("--municipality", default="", help=_MUNICIPALITY_HELP)
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE", help=_PARAM_HELP)
    p.set_defaults(func=_run_notebook)

    p = sub.add_parser("municipalities", help="the municipality codes (else page ids) of a processed dataset")
    p.add_argument("dataset", help="a processed dataset's name")
    p.add_argument("--make", action="store_true", help="as a Makefile variable assignment")
    p.set_defaults(func=_municipalities)

    p = sub.add_parser("municipality", help="check that a municipality (code, page id or name) is in a "
                                            "processed dataset and print its reports folder name")
    p.add_argument("dataset", help="a processed dataset's name")
    p.add_argument("name", help="code, page id or page name")
    p.set_defaults(func=_municipality)

    p = sub.add_parser("raw-digest", help="digest of a raw folder's files (names, sizes, sha256); "
                                          "--update rewrites a make stamp only when it changed")
    p.add_argument("raw", help="raw export folder, e.g. data/raw/NAME")
    p.add_argument("--update", default=None, metavar="STAMP", help="stamp file to rewrite when the digest changed")
    p.set_defaults(func=_raw_digest)

    p = sub.add_parser("kernel", help="register the project's Jupyter kernel inside the environment")
    p.set_defaults(func=_kernel)

    p = sub.add_parser("index", help="write reports/NAME/index.html; exits 1 after it when a report failed")
    p.add_argument("dataset", help="a dataset's name")
    p.add_argument("--reports", default=None, help="reports folder (default reports/NAME)")
    p.set_defaults(func=_index)
    return parser


def main(argv=None) -> int:
    """Run one command; an error of kommunsocial (or a file that is missing or cannot be written)
    is one line on stderr and exit status 1, Ctrl-C is status 130. ``--debug`` or
    ``KOMMUNSOCIAL_DEBUG=1`` show the traceback instead (and a failed notebook's cell traceback)."""
    args = build_parser().parse_args(argv)
    debug = args.debug or os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")
    try:
        return args.func(args) or 0
    except (KommunsocialError, OSError) as exc:
        if debug:
            details = getattr(exc, "details", None)
            if details:
                print(details, file=sys.stderr)
            raise
        print(f"kommunsocial: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if debug:
            raise
        print("kommunsocial: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
