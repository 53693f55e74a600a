"""Benchmarks: each `bench/bench_*.py` has `run() -> dict[str, float]` returning figures whose
names carry their units. They print figures and never pass or fail on time."""
