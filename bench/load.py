"""Full-size load run: `python -m bench.load [--uploads 200] [--db sqlite|postgres|both] [--slow-clients 20]`.

Prints and saves (bench/out/load.json) uploads held, lost, duplicated, 500s, throughput, p50/p99.
With --slow-clients N, also /map and a download's p99 while N clients trickle uploads at 1 byte/s
(bench.slow_clients), under gunicorn.conf.py; the run fails if that p99 reaches 1 s.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from tests.dbtools import empty_database, migrate
from tests.load.harness import Gunicorn, audit, plan, run_uploads

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run_one(kind: str, uploads: int, workers: int, clients: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"load-{kind}-") as tmp:
        tmp_path = Path(tmp)
        os.environ.pop("TEST_DATABASE_URL", None)
        if kind == "postgres":
            os.environ["TEST_DATABASE_URL"] = os.environ.get("PG_TEST_URL", PG_URL)
        jobs = plan(uploads, retry_share=0.1)
        with empty_database(tmp_path) as url:
            migrate(url)
            server = Gunicorn(url, tmp_path / "photos", tmp_path, workers=workers).start()
            try:
                before = worker_usage(server.process.pid)
                outcome = run_uploads(server.url, jobs, clients=clients, deadline_s=1800)
                after = worker_usage(server.process.pid)
            finally:
                server.stop()
            cpu_s = sum(after["cpu_s"].values()) - sum(before["cpu_s"].get(pid, 0.0) for pid in after["cpu_s"])
            return {
                "database": kind,
                "uploads": uploads,
                "retried": sum(j.retry for j in jobs),
                "workers": workers,
                "clients": clients,
                **outcome.figures(),
                **audit(url, tmp_path / "photos", jobs),
                "worst_worker_peak_mb": max(after["peak_mb"].values(), default=0.0),
                "worker_cpu_ms_per_request": round(cpu_s * 1000 / max(len(outcome.statuses), 1)),
            }


def worker_usage(master: int) -> dict:
    """Each gunicorn worker's peak resident memory (VmHWM) and CPU seconds so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peak, cpu = {}, {}
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that ended meanwhile
            continue
        peak[pid] = round(
            int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024, 1
        )
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return {"peak_mb": peak, "cpu_s": cpu}


def summary(results: list[dict], slow: dict | None) -> list[str]:
    """The figures issue 15 asks the closing note to give, one line each."""
    lines = []
    for r in results:
        lines.append(
            f"{r['database']}: {r['requests']} requests ({r['uploads']} uploads, {r['retried']} retried), "
            f"{r['server_errors']} 500s, {r['lost']} rows lost, {r['duplicated']} duplicated, "
            f"worst worker peak RSS {r['worst_worker_peak_mb']} MB (absolute, all its threads), {r['worker_cpu_ms_per_request']} ms CPU a request"
        )
    if slow is not None:
        lines.append(f"/map p99 with {slow.get('slow_clients', '?')} slow clients: {slow['p99_s'] * 1000:.0f} ms")
    return lines


def slow_clients_p99(count: int) -> dict:
    from bench.slow_clients import SETUPS, measure

    return measure(SETUPS["gunicorn.conf.py (gthread)"], count, 20)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=200)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--slow-clients", type=int, default=20, help="/map p99 while N slow clients hold on (0: skip)")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    results = [run_one(kind, args.uploads, args.workers, args.clients) for kind in kinds]
    slow = slow_clients_p99(args.slow_clients) if args.slow_clients else None
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=1))
    for r in results:
        print(json.dumps(r))
    if slow is not None:
        print(json.dumps({"slow_clients": slow}))
        (out / "load-slow-clients.json").write_text(json.dumps(slow, indent=1))
    print("\n".join(summary(results, slow)))
    ok = all(
        r["sightings"] == r["uploads"]
        and not (
            r["lost"] or r["duplicated"] or r["server_errors"] or r["unreferenced"] or r["missing"] or r["corrupt"]
        )
        for r in results
    )
    ok = ok and (slow is None or (slow["p99_s"] < 1 and not slow["failed"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
