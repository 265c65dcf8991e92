"""The ``kommunsocial`` command: ingest, sample, run-notebook, index, report."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from . import config
from ._version import __version__
from .errors import KommunsocialError

__all__ = ["main"]


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


def _ingest(args):
    from .ingest import ingest
    from .privacy import get_salt

    import warnings

    from .io._gaps import MissingDataWarning

    salt = get_salt(salt_file=args.salt_file) if args.salt_file else None
    with warnings.catch_warnings():  # what an export lacks is listed below, as plain lines
        warnings.simplefilter("ignore", MissingDataWarning)
        accounts = [a.strip() for given in args.account or [] for a in given.split(",") if a.strip()]
        ds = ingest(args.raw, args.out, format=args.format, salt=salt, progress=not args.quiet,
                    timezone=args.timezone, options={"account": accounts} if accounts else None)
    reasons = ds.manifest.get("quarantined_by_reason", {})
    print(f"{args.out}: {len(ds.pages)} pages, {len(ds.posts)} posts, {len(ds.comments)} comments, "
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


def _sample(args):
    from . import sample

    corpus = sample.generate(n_pages=args.pages, years=args.years, seed=args.seed, activity=args.activity)
    files = sample.write(corpus, args.out, format=args.format)
    print(f"{args.out}: {len(corpus.pages)} pages, {len(corpus.posts)} posts, {len(corpus.comments)} comments "
          f"({', '.join(p.name for p in files)})")


def _params(args) -> dict:
    params = {"dataset": args.dataset}
    if args.municipality:
        params["municipality"] = str(args.municipality)
    for item in args.param or []:
        key, _, value = item.partition("=")
        params[key] = _literal(value)
    return params


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


def _report(args):
    from .ingest import ingest
    from .report.run import check_municipality, municipality_folder, notebooks, run_notebook

    processed = config.processed_dir(args.dataset)
    if not (processed / "manifest.json").is_file():
        ingest(config.raw_dir(args.dataset), processed, progress=True)
    check_municipality(args.dataset, args.municipality)
    out = config.reports_dir(args.dataset) / (municipality_folder(args.municipality) if args.municipality else "")
    for nb in notebooks():  # a failure is recorded and listed by the index, after the other reports
        print(_show(run_notebook(nb, out, parameters=_params(args), record_failure=True)))
    args.reports = None
    _index(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kommunsocial", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kommunsocial {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="read raw exports into data/processed/NAME (Parquet + manifest)")
    p.add_argument("raw", nargs="+", help="raw export files or folders")
    p.add_argument("--out", required=True, help="processed dataset folder, e.g. data/processed/NAME")
    p.add_argument("--format", default=None, help="force one reader for every file")
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

    p = sub.add_parser("sample", help="generate the synthetic corpus as raw export files")
    p.add_argument("--out", required=True, help="folder to write, e.g. data/raw/NAME")
    p.add_argument("--pages", type=int, default=12)
    p.add_argument("--years", type=float, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--activity", type=float, default=1.0, help="multiplies every page's posting rate")
    p.add_argument("--format", default="csv")
    p.set_defaults(func=_sample)

    for name, func, help_ in (("run-notebook", _run_notebook, "execute one report notebook with papermill"),
                              ("report", _report, "ingest if needed, run every report notebook, write the index")):
        p = sub.add_parser(name, help=help_)
        if name == "run-notebook":
            p.add_argument("notebook")
            p.add_argument("--out", required=True, help="reports folder")
            p.add_argument("--kernel", default=None)
            p.add_argument("--dataset", required=True)
            p.add_argument("--record-failure", action="store_true",
                           help="a failure writes NAME.failed.json for the index and exits 0 (make goes on)")
        else:
            p.add_argument("dataset")
        p.add_argument("--municipality", default="", help="municipality code, page id or name (kept as text)")
        p.add_argument("-p", "--param", action="append",
                       help="extra notebook parameter NAME=VALUE (whole and decimal numbers become numbers, "
                            "except with a leading zero)")
        p.set_defaults(func=func)

    p = sub.add_parser("municipalities", help="the municipality codes (else page ids) of a processed dataset")
    p.add_argument("dataset")
    p.add_argument("--make", action="store_true", help="as a Makefile variable assignment")
    p.set_defaults(func=_municipalities)

    p = sub.add_parser("municipality", help="check that a municipality (code, page id or name) is in a "
                                            "processed dataset and print its reports folder name")
    p.add_argument("dataset")
    p.add_argument("name")
    p.set_defaults(func=_municipality)

    p = sub.add_parser("raw-digest", help="digest of a raw folder's files (names, sizes, sha256); "
                                          "--update rewrites a make stamp only when it changed")
    p.add_argument("raw", help="raw export folder, e.g. data/raw/NAME")
    p.add_argument("--update", default=None, metavar="STAMP", help="stamp file to rewrite when the digest changed")
    p.set_defaults(func=_raw_digest)

    p = sub.add_parser("kernel", help="register the project's Jupyter kernel inside the environment")
    p.set_defaults(func=_kernel)

    p = sub.add_parser("index", help="write reports/NAME/index.html; exits 1 after it when a report failed")
    p.add_argument("dataset")
    p.add_argument("--reports", default=None, help="reports folder (default reports/NAME)")
    p.set_defaults(func=_index)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (KommunsocialError, FileNotFoundError) as exc:
        print(f"kommunsocial: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
