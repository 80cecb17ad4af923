"""Command line of ``python -m numdiff verify``."""
import argparse
import sys
import time

from . import _checkers, _differentiation, _hessians, _line_searches, _solvers, _sparse
from ._report import format_table, summary, to_json, to_markdown

AREAS = {"differentiation": _differentiation.run, "hessians": _hessians.run,
         "sparse": _sparse.run, "line-search": _line_searches.run,
         "minimize": _solvers.run_minimize, "root": _solvers.run_root,
         "checkers": _checkers.run}


def run_all(quick=False, areas=None, progress=None):
    """Run the verify areas and return their rows."""
    rows = []
    todo = [(name, fn) for name, fn in AREAS.items() if not areas or name in areas]
    for i, (name, fn) in enumerate(todo, 1):
        if progress:
            progress(f"[{i}/{len(todo)}] running {name}{' (quick)' if quick else ''} ...")
        t0 = time.perf_counter()
        rows += fn(quick=quick)
        if progress:
            progress(f"  {name}: done in {time.perf_counter() - t0:.1f} s")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m numdiff verify",
        description="Check numdiff's methods against analytic derivatives, side by side "
                    "with SciPy. Exits 0 only when every numdiff row meets its bound.")
    parser.add_argument("--quick", action="store_true", help="a smaller set of cases")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    parser.add_argument("--markdown", metavar="PATH",
                        help="also write the tables as Markdown")
    parser.add_argument("--area", action="append", choices=sorted(AREAS),
                        help="run only this area (repeatable)")
    args = parser.parse_args(argv)
    rows = run_all(args.quick, args.area,
                   progress=lambda s: print(s, file=sys.stderr, flush=True))
    print(format_table(rows))
    print("summary:")
    print(summary(rows))
    checked = [r for r in rows if r.kind != "info"]
    failed = [r for r in checked if not r.passed]
    print(f"{len(checked) - len(failed)}/{len(checked)} numdiff rows meet their bounds"
          + ("" if not failed else "; failing: " + "; ".join(
              f"{r.group} / {r.method}" for r in failed)))
    if args.json:
        to_json(rows, args.json, {"quick": args.quick})
    if args.markdown:
        to_markdown(rows, args.markdown,
                    "numdiff verify" + (" --quick" if args.quick else ""))
    return 0 if not failed else 1
