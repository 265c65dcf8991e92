"""``make bench``: kommunsocial at country scale, every stage timed, against its target.

Usage::

    python benchmarks/run.py [--pages 290] [--years 5] [--activity 3] [--seed 1]
                             [--work benchmarks/data/country] [--only ingest,tone,...]
                             [--profile STAGE]

1. Generates a corpus with the sample generator (``--pages 290 --years 5``: every Swedish
   municipality for five years, about 600,000 posts and 3 million comments at ``--activity 3``)
   and writes it as a Facebook Graph API export (pages.csv, posts.jsonl, comments.jsonl). The
   corpus is kept under ``--work`` and reused while the parameters are unchanged.
2. Runs each stage in a fresh Python process and records its wall-clock seconds and its peak
   resident memory (sampled every 10 ms; for the notebooks, the kernel's too):

   - ``floor``: parsing the same raw files with pyarrow alone, the fastest a parse can be;
   - ``ingest``: ``ks.load`` stage by stage (read, deduplicate, clean, language, features,
     pseudonymise, mask, validate) and saving the Parquet tables;
   - ``tone``: the formality index on every post, one core;
   - ``engagement``: post metrics, NMF topics, and the report's negative binomial model;
   - ``network``: threads, the reply graph and responsiveness for all pages;
   - ``notebooks``: each report notebook executed on the processed country dataset, in order, as
     ``make reports`` runs them right after ingest (the tone-score cache emptied first).
3. Writes ``benchmarks/results.json`` and ``benchmarks/results.md`` (a markdown table with each
   target and whether it was met), with the machine it ran on.

``--profile STAGE`` runs one stage under pyinstrument and writes its profile to
``benchmarks/data/profile-STAGE.txt`` and ``.html`` instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from meter import GB, Meter  # noqa: E402  (the benchmarks' one way of measuring)

ROOT = HERE.parent
STAGES = ("floor", "ingest", "tone", "engagement", "network", "notebooks")

#: The targets of a 2-core, 24 GB laptop: (what, limit, unit).
TARGETS = {
    "ingest_seconds": ("whole ingest (read → saved Parquet)", 300, "s ≤"),
    "ingest_over_floor": ("whole ingest ÷ pyarrow-only parse", 4, "× ≤"),
    "tone_posts_per_second": ("formality index, one core", 20_000, "posts/s ≥"),
    "network_seconds": ("graphs + responsiveness, all pages", 60, "s ≤"),
    "notebooks_seconds": ("all report notebooks on the country dataset", 180, "s ≤"),
    "peak_rss_gb": ("peak memory of any stage", 6, "GB ≤"),
}


# -- the corpus ---------------------------------------------------------------------------------
def generate(args) -> dict:
    """Write the corpus unless the same parameters already made it; returns its description."""
    raw = Path(args.work) / "raw"
    params = {"pages": args.pages, "years": args.years, "activity": args.activity, "seed": args.seed,
              "start": args.start, "format": "graph_api_jsonl"}
    stamp = raw / ".params.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == params:
        return json.loads((raw / ".corpus.json").read_text())
    from kommunsocial import sample

    started = time.perf_counter()
    corpus = sample.generate(n_pages=args.pages, years=args.years, seed=args.seed, activity=args.activity,
                             start=args.start, progress=True)
    sample.write(corpus, raw, format="graph_api_jsonl")
    info = {**params, "posts": int(len(corpus.posts)), "comments": int(len(corpus.comments)),
            "files": {p.name: p.stat().st_size for p in sorted(raw.iterdir())
                      if p.is_file() and not p.name.startswith(".") and p.suffix in (".csv", ".json", ".jsonl")},
            "generate_seconds": round(time.perf_counter() - started, 1)}
    (raw / ".corpus.json").write_text(json.dumps(info, indent=2))
    stamp.write_text(json.dumps(params))
    return info


# -- stages (each runs in its own process) -------------------------------------------------------
def stage_floor(work: Path, meter: Meter) -> dict:
    """pyarrow alone: the JSON Lines and the CSV parsed into Arrow tables, nothing else."""
    import pyarrow.csv as pacsv
    import pyarrow.json as pajson

    rows = {}
    for path in sorted((work / "raw").iterdir()):
        if path.name.startswith(".") or path.suffix not in (".jsonl", ".csv"):
            continue
        meter.step(f"floor: {path.name}")
        if path.suffix == ".csv":
            table = pacsv.read_csv(path)
        else:  # a comment thread is one line and can be long: blocks big enough for any line
            table = pajson.read_json(path, read_options=pajson.ReadOptions(block_size=64 << 20))
        rows[path.name] = table.num_rows
        del table
    return {"lines": rows}


def stage_ingest(work: Path, meter: Meter) -> dict:
    import kommunsocial as ks

    ds = ks.load(work / "raw", salt="kommunsocial-bench", progress=False,
                 on_stage=lambda name: meter.step(None if name is None else f"ingest: {name}"))
    meter.step("ingest: save Parquet")
    ds.save(work / "processed")
    meter.step(None)
    return {"posts": len(ds.posts), "comments": len(ds.comments), "quarantined": len(ds.quarantine)}


def _dataset(work: Path, meter: Meter):
    import kommunsocial as ks

    meter.step("read processed Parquet")
    ds = ks.Dataset.read(work / "processed")
    meter.step(None)
    return ds


def stage_tone(work: Path, meter: Meter) -> dict:
    from kommunsocial import tone

    ds = _dataset(work, meter)
    texts, langs = ds.posts["text"], ds.posts["lang"]
    meter.step("tone: load lexicons and lemmatiser")
    tone.score(texts.iloc[:200], lang=langs.iloc[:200])
    meter.step("tone: formality index", posts=len(texts))
    tone.score(texts, lang=langs)
    meter.step(None)
    return {"posts": len(texts)}


def stage_engagement(work: Path, meter: Meter) -> dict:
    from kommunsocial import engagement

    ds = _dataset(work, meter)
    meter.step("engagement: post metrics (with tone)")
    metrics = engagement.post_metrics(ds)
    meter.step("engagement: NMF topics")
    metrics["topic"], _ = engagement.topics(ds.posts["text"], lang=ds.posts["lang"])
    meter.step("engagement: negative binomial, page FE, clustered")
    formula = "comments ~ C(tone, Treatment('formal')) + C(topic) + C(post_type) + C(weekday) + C(page_id)"
    result = engagement.fit(metrics, formula=formula, exposure="followers")
    meter.step(None)
    irr = engagement.irr_table(result, hide=("page_id", "topic"))
    hit = irr[irr["term"] == "tone: conversational"].iloc[0]
    return {"posts": len(metrics), "tone_irr": round(float(hit["irr"]), 4),
            "tone_irr_ci": [round(float(hit["ci_low"]), 4), round(float(hit["ci_high"]), 4)]}


def stage_network(work: Path, meter: Meter) -> dict:
    from kommunsocial import network

    ds = _dataset(work, meter)
    meter.step("network: reply graph, all pages")
    graph = network.reply_graph(ds)
    meter.step("network: responsiveness per page")
    resp = network.responsiveness(ds)
    meter.step(None)
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "pages": len(resp)}


def stage_notebooks(work: Path, meter: Meter) -> dict:
    import shutil

    from kommunsocial.report import run as reports

    # as `make reports` right after ingest: no tone scores cached by the stages before
    shutil.rmtree(work / "processed" / "_cache", ignore_errors=True)
    out = work / "reports"
    for nb in reports.notebooks(ROOT / "notebooks"):
        meter.step(f"notebook: {nb.stem}")
        reports.run_notebook(nb, out, parameters={"dataset": "bench", "data_dir": str(work / "processed")},
                             progress=False)
    meter.step(None)
    return {"notebooks": len(reports.notebooks(ROOT / "notebooks"))}


def run_stage(name: str, work: Path, profile: bool) -> dict:
    meter = Meter()
    fn = globals()[f"stage_{name}"]
    if profile:
        from pyinstrument import Profiler

        with Profiler(interval=0.005) as profiler:
            info = fn(work, meter)
        (work.parent / f"profile-{name}.txt").write_text(profiler.output_text(unicode=True, color=False,
                                                                              show_all=False))
        profiler.write_html(work.parent / f"profile-{name}.html")
    else:
        info = fn(work, meter)
    return {"stage": name, "info": info, "steps": meter.close()}


# -- the report ---------------------------------------------------------------------------------
def machine() -> dict:
    import numpy
    import pandas
    import pyarrow

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem, 1), "system": platform.system(),
            "python": platform.python_version(), "pandas": pandas.__version__, "numpy": numpy.__version__,
            "pyarrow": pyarrow.__version__}


def summarise(results: dict) -> dict:
    """The figures each target is about, and whether it was met."""
    steps = {s["step"]: s for r in results["stages"].values() for s in r["steps"]}
    by_prefix = lambda p: [s for k, s in steps.items() if k.startswith(p)]  # noqa: E731
    figures = {}
    if by_prefix("ingest: "):
        figures["ingest_seconds"] = round(sum(s["seconds"] for s in by_prefix("ingest: ")), 1)
    if by_prefix("floor: "):
        figures["floor_seconds"] = round(sum(s["seconds"] for s in by_prefix("floor: ")), 2)
        if "ingest_seconds" in figures:
            figures["ingest_over_floor"] = round(figures["ingest_seconds"] / figures["floor_seconds"], 1)
        if "ingest: read" in steps:  # the like-for-like ratio: raw files to tables, nothing else
            figures["read_over_floor"] = round(steps["ingest: read"]["seconds"] / figures["floor_seconds"], 1)
    if "tone: formality index" in steps:
        s = steps["tone: formality index"]
        figures["tone_posts_per_second"] = round(s["posts"] / s["seconds"])
    if by_prefix("network: "):
        figures["network_seconds"] = round(sum(s["seconds"] for s in by_prefix("network: ")), 1)
    if by_prefix("notebook: "):
        figures["notebooks_seconds"] = round(sum(s["seconds"] for s in by_prefix("notebook: ")), 1)
    if steps:
        figures["peak_rss_gb"] = max(s["peak_rss_gb"] for s in steps.values())
    met = {}
    for key, (_, limit, unit) in TARGETS.items():
        if key in figures:
            met[key] = figures[key] >= limit if "≥" in unit else figures[key] <= limit
    return {"figures": figures, "met": met}


def markdown(results: dict) -> str:
    m, c, s = results["machine"], results["corpus"], results["summary"]
    lines = [
        "# kommunsocial at country scale",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu'] or 'unknown CPU'}), {m['memory_gb']} GB, {m['system']}; "
        f"Python {m['python']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}. Run {results['finished']}.",
        "",
        f"Corpus: `ks.sample.generate(n_pages={c['pages']}, years={c['years']}, activity={c['activity']}, "
        f"seed={c['seed']}, start=\"{c.get('start', '2023-01-01')}\")` written as a Graph API export: "
        f"{c['posts']:,} posts, {c['comments']:,} comments "
        f"(" + ", ".join(f"{k} {v / 1e6:,.0f} MB" for k, v in c["files"].items()) + ").",
        "",
        "| target | measured | limit | met |",
        "|---|---|---|---|",
    ]
    for key, (what, limit, unit) in TARGETS.items():
        if key in s["figures"]:
            lines.append(f"| {what} | {s['figures'][key]:,} | {unit} {limit:,} | {'yes' if s['met'][key] else '**no**'} |")
    lines += ["", "| stage | step | seconds | peak memory (GB) | CPU stolen by the host (%) |",
              "|---|---|---|---|---|"]
    for name, r in results["stages"].items():
        for step in r["steps"]:
            steal = step.get("cpu_steal_pct")
            lines.append(f"| {name} | {step['step']} | {step['seconds']:,.2f} | {step['peak_rss_gb']:.2f} | "
                         f"{'' if steal is None else steal} |")
    lines += ["", "CPU stolen by the host: the share of the machine's CPU time its hypervisor gave to other "
              "guests during the step (`/proc/stat`); on a shared virtual machine it slows every step."]
    if "floor_seconds" in s["figures"]:
        lines += ["", f"pyarrow-only parse of the same raw files: {s['figures']['floor_seconds']} s."]
        if "read_over_floor" in s["figures"]:
            lines[-1] += (f" Ingest's read step alone (raw files to tables, the like-for-like comparison): "
                          f"{s['figures']['read_over_floor']}× that.")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=290)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--activity", type=float, default=3)
    parser.add_argument("--seed", type=int, default=1)
    # five years that have passed: ingest quarantines posts dated after the time of loading
    parser.add_argument("--start", default="2019-01-01", help="first day of the corpus")
    parser.add_argument("--work", default=str(HERE / "data" / "country"))
    parser.add_argument("--only", default=",".join(STAGES), help="comma-separated stages")
    parser.add_argument("--out", default=str(HERE), help="folder for results.json and results.md")
    parser.add_argument("--profile", choices=STAGES, help="profile one stage with pyinstrument")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # internal: run one stage here
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)  # internal: write the corpus
    args = parser.parse_args(argv)
    work = Path(args.work)

    if args.stage:
        print(json.dumps(run_stage(args.stage, work, args.profile == args.stage)))
        return 0
    if args.generate:
        generate(args)
        return 0

    print(f"corpus: {args.pages} pages × {args.years} years, activity {args.activity}, seed {args.seed}", flush=True)
    # in a process of its own, so that the generator's memory is given back before the stages
    subprocess.run([sys.executable, __file__, "--generate", *(argv if argv is not None else sys.argv[1:])],
                   check=True, cwd=ROOT)
    corpus = json.loads((work / "raw" / ".corpus.json").read_text())  # what that process wrote or found
    print(f"  {corpus['posts']:,} posts, {corpus['comments']:,} comments", flush=True)
    stages = [args.profile] if args.profile else [s for s in args.only.split(",") if s]
    out_json = Path(args.out) / "results.json"
    results = json.loads(out_json.read_text()) if out_json.is_file() and args.only != ",".join(STAGES) else {}
    if results.get("corpus") != corpus:  # figures of another corpus are not kept
        results = {}
    results.update({"machine": machine(), "corpus": corpus})
    results.setdefault("stages", {})
    for name in stages:
        print(f"{name} …", flush=True)
        cmd = [sys.executable, __file__, "--stage", name, "--work", str(work)]
        if args.profile:
            cmd += ["--profile", name]
        done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        if done.returncode:
            print(f"stage {name} failed (exit {done.returncode})", file=sys.stderr)
            return done.returncode
        result = json.loads(done.stdout.strip().splitlines()[-1])
        for step in result["steps"]:
            steal = f" {step['cpu_steal_pct']:5.1f} % stolen" if "cpu_steal_pct" in step else ""
            print(f"  {step['step']:<55s} {step['seconds']:9.2f} s {step['peak_rss_gb']:7.2f} GB{steal}", flush=True)
        if args.profile:
            print(f"profile: {work.parent / f'profile-{name}.txt'}")
            return 0
        results["stages"][name] = result
    results["stages"] = {k: results["stages"][k] for k in STAGES if k in results["stages"]}
    results["finished"] = time.strftime("%Y-%m-%d")
    results["summary"] = summarise(results)
    out_json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (Path(args.out) / "results.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
