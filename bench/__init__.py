"""``make bench``: load, scale and weight measurements of Iltod, each against a baseline measured in
the same run (docs/benchmarks.md). Run with ``python -m bench``; results go to var/bench/."""
