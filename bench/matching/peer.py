"""Run the PyPI `matching` package (HospitalResident, resident-optimal) on a task file;
print its time and matching as JSON. Called by run.py in a subprocess with a time limit."""

from __future__ import annotations

import json
import sys
import threading
import time
import warnings

from matching.games import HospitalResident


def main(path: str) -> None:
    task = json.loads(open(path, encoding="utf-8").read())
    demand_rank: dict[str, dict[str, int]] = {}
    resource_rank: dict[str, dict[str, int]] = {}
    for side, chooser, chosen, rank in task["prefs"]:
        target = demand_rank if side == "demand" else resource_rank
        target.setdefault(chooser, {})[chosen] = rank
    # mutually ranked pairs only, as the engine uses them
    residents = {
        d: [r for r in sorted(ranks, key=ranks.__getitem__) if d in resource_rank.get(r, {})]
        for d, ranks in demand_rank.items()
    }
    hospitals = {
        r: [d for d in sorted(ranks, key=ranks.__getitem__) if r in demand_rank.get(d, {})]
        for r, ranks in resource_rank.items()
    }
    residents = {d: p for d, p in residents.items() if p}
    hospitals = {r: p for r, p in hospitals.items() if p}
    capacity = {r: task["capacity"][r] for r in hospitals}
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacity)
        solution = game.solve(optimal="resident")
    seconds = time.perf_counter() - started
    matching = {res.name: hosp.name for hosp, rs in solution.items() for res in rs}
    print(json.dumps({"seconds": round(seconds, 2), "matching": matching}))


if __name__ == "__main__":
    # the package's algorithm recurses once per rejection; give it room (in a big-stack thread)
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 29)
    worker = threading.Thread(target=main, args=(sys.argv[1],))
    worker.start()
    worker.join()
