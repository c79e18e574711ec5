"""Benchmark of the 直联共建 matching engine.

    .venv/bin/python bench/matching/run.py                      # 10,000 and 100,000 + quality
    .venv/bin/python bench/matching/run.py --sizes 1000,10000   # chosen sizes

Each size runs in its own process (a clean peak memory). For each size: generate lists
(deterministic), load the jieba dictionary (timed apart: a one-off cost per process), then
time ``match`` without preferences (maximum total score) and with preferences (stable
matching). At 1,000 and 10,000 the same preference lists go to ``matching.games.
HospitalResident`` (PyPI ``matching``) in a subprocess with a time limit, and the two
demand-optimal stable matchings are compared. Writes ``bench/results/matching.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as h

HERE = Path(__file__).resolve().parent
ROOT = h.ROOT
sys.path.insert(0, str(ROOT))

PEER_SIZES = {1000, 10000}
PEER_TIMEOUT = 600
RESULTS = ROOT / "bench" / "results" / "matching.json"


def peak_mb() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(me, 1), round(children, 1)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the tokenising workers)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_size(size: int, workdir: Path) -> dict[str, object]:
    from generate import generate, preferences

    from gongjian.cobuild.matching import candidates, match
    from gongjian.cobuild.matching.text import tokenizer

    lists = generate(size)
    started = time.perf_counter()
    tokenizer()
    load_seconds = time.perf_counter() - started

    started, cpu = time.perf_counter(), cpu_seconds()
    result = match(lists.demands, lists.resources)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu
    out: dict[str, object] = {
        "demands": len(lists.demands),
        "resources": len(lists.resources),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "dictionary_load_seconds": round(load_seconds, 2),
        "matched": len(result.proposals),
        "method": result.method,
    }

    top = candidates(lists.demands, lists.resources, top_k=8)
    prefs = preferences(lists, {d: [(c.resource_id, c.score) for c in cs] for d, cs in top.items()})
    started = time.perf_counter()
    stable = match(lists.demands, lists.resources, prefs, fill=False)
    out["seconds_with_preferences"] = round(time.perf_counter() - started, 2)
    out["preferences"] = len(prefs)
    out["matched_stable"] = len(stable.proposals)
    me, children = peak_mb()
    out["peak_mb"] = round(me + children, 1)
    out["peak_mb_main"], out["peak_mb_workers"] = me, children

    if size in PEER_SIZES:
        ours = {p.demand_id: p.resource_id for p in stable.proposals}
        task = workdir / f"peer-{size}.json"
        task.write_text(
            json.dumps(
                {
                    "prefs": [[p.side, p.chooser_id, p.chosen_id, p.rank] for p in prefs],
                    "capacity": {r.id: r.capacity for r in lists.resources},
                }
            ),
            encoding="utf-8",
        )
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / "peer.py"), str(task)],
                capture_output=True,
                text=True,
                timeout=PEER_TIMEOUT,
                check=True,
            )
            peer = json.loads(done.stdout)
            out["peer_seconds"] = peer["seconds"]
            out["peer_wall_seconds"] = round(time.perf_counter() - started, 2)
            out["peer_same_matching"] = peer["matching"] == ours
        except subprocess.TimeoutExpired:
            out["peer_seconds"] = None
            out["peer_timeout_seconds"] = PEER_TIMEOUT
        except subprocess.CalledProcessError as exc:
            out["peer_seconds"] = None
            out["peer_error"] = exc.stderr.strip().splitlines()[-1:]
        finally:
            task.unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_size(args.worker, Path(args.out).parent)))
        return

    report: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": h.machine(),
        "load_average_at_start": h.load_average(),
        "sizes": [],
    }
    for size in [int(s) for s in args.sizes.split(",") if s]:
        print(f"size {size} …", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--worker", str(size), "--out", args.out],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["load_average_after"] = h.load_average()
        print(row, file=sys.stderr, flush=True)
        report["sizes"].append(row)  # type: ignore[attr-defined]
    if not args.no_quality:
        from quality import evaluate

        report["quality"] = evaluate()
        print(report["quality"], file=sys.stderr)
    h.write_result("matching", report, path=Path(args.out))


if __name__ == "__main__":
    main()
