"""Profile one report notebook's code with pyinstrument, cell by cell, outside Jupyter.

Usage::

    python benchmarks/profile_notebook.py notebooks/02-tone.ipynb \
        -p dataset=bench -p data_dir=benchmarks/data/country/processed [--out profile.txt]

The notebook's code cells run in one namespace (the parameters cell replaced by ``-p`` values,
matplotlib drawing off screen); prints each cell's seconds and writes the pyinstrument profile of
the whole run. A kernel-free stand-in for ``make bench``'s notebook stage, for finding hot spots.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("-p", action="append", default=[], metavar="NAME=VALUE", help="a parameter (text)")
    parser.add_argument("--out", help="write the profile here (default: print it)")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from pyinstrument import Profiler

    cells = json.loads(Path(args.notebook).read_text(encoding="utf-8"))["cells"]
    params = dict(p.split("=", 1) for p in args.p)
    namespace: dict = {}
    profiler = Profiler(interval=0.005)
    profiler.start()
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            exec(source, namespace)
            namespace.update(params)
            continue
        started = time.perf_counter()
        exec(compile(source, f"cell {i}", "exec"), namespace)
        first = source.strip().splitlines()[0][:70] if source.strip() else ""
        print(f"{time.perf_counter() - started:8.2f} s  cell {i}: {first}", flush=True)
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
