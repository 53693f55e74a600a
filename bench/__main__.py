"""`make bench`: run every benchmark, print a table, merge the figures into bench/results.json.

`python -m bench NAME ...` runs only the named modules (e.g. `python -m bench import_time`).
`cost` runs last and reads the figures the others wrote, so results.json is written after each.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
LAST = {"cost"}


def main(names: list[str]) -> int:
    modules = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    # cost reads the others' figures from results.json: it runs last.
    chosen = sorted((m for m in modules if not names or m in names), key=lambda m: m in LAST)
    unknown = sorted(set(names) - set(modules))
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)} (known: {', '.join(modules)})")
        return 2
    for name in chosen:
        print(f"== {name}", flush=True)
        figures = importlib.import_module(f"bench.bench_{name}").run()
        for key, value in figures.items():
            print(f"  {key:<45} {value:>14,.3f}")
        # Read again: another run may have written figures of its own meanwhile.
        results: dict[str, float] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results.update(figures)
        RESULTS.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n")
    print(f"figures written to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
