"""Run the benchmark suite: `python -m bench [--quick] [--ci] [--only NAME ...] [--results FILE]`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback

from bench import machine, results
from bench.harness import Context, Row, exit_code, text_table

# name -> module; each module has CASE and run(ctx) -> list[Row].
CASES = {
    "ingest": "bench.ingest",
    "export": "bench.export",
    "published": "bench.published",
    "nearby": "bench.nearby",
    "queue": "bench.queue",
    "memory": "bench.memory",
    "ogcapi": "bench.ogcapi",
    "map": "bench.map",
    "signage": "bench.signage",
    "findings": "bench.findings",
    "budget": "bench.budget",
    "slow": "bench.slow_clients",
    "blur": "bench.blur",
    "areas": "bench.areas",
}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes; under 2 minutes")
    parser.add_argument(
        "--ci",
        action="store_true",
        help="quick; fail on a broken case, or a ratio or memory figure beyond twice its target (wall-clock bounds are shown, not judged)",
    )
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--runs", type=int, help="timed runs per measurement (at least 5)")
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG),
        help="PostgreSQL server for the cases that use one (a database is created and dropped)",
    )
    parser.add_argument("--results", help="also write the table and machine description to this Markdown file")
    args = parser.parse_args(argv)
    args.quick = args.quick or args.ci
    args.runs = max(5, args.runs or (5 if args.quick else 7))
    return args


def run_case(name: str, ctx: Context) -> list[Row]:
    started = time.perf_counter()
    ctx.log(f"[bench] {name} ...")
    try:
        rows = importlib.import_module(CASES[name]).run(ctx)
    except Exception as exc:  # a broken case is reported, and fails the run
        traceback.print_exc()
        rows = [Row(name, "(case broke)", error=f"{type(exc).__name__}: {exc}"[:200])]
    ctx.log(f"[bench] {name} took {time.perf_counter() - started:.0f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="survey-bench-") as workdir:
        ctx = Context(
            quick=args.quick,
            ci=args.ci,
            workdir=workdir,
            pg_url=args.pg,
            runs=args.runs,
            log=lambda line: print(line, file=sys.stderr, flush=True),
        )
        for name in args.only or CASES:
            rows += run_case(name, ctx)
    mode = "ci" if args.ci else "quick" if args.quick else "full"
    print(
        f"\ncctv-survey benchmarks ({mode}, {args.runs} runs after a warm-up, {time.perf_counter() - started:.0f} s)\n"
    )
    print(text_table(rows, ci=args.ci))
    if args.results:
        results.write(args.results, rows, machine.describe(args.pg), mode)
    code = exit_code(rows, args.ci)
    print("\nall targets met" if code == 0 else "\nsome cases broke or missed their targets", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
