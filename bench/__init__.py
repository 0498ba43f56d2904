"""`make bench`: the performance budget of DESIGN.md §11 and issue 12, measured.

Not part of the test suite (pytest collects only `tests/`), and nothing here asserts: it
prints each figure beside its budget and writes the table to `bench/last-run.md`.
"""

# The secret every benchmark database is written and read with (bench.build, bench.sim and
# bench.memory, whose measured process imports nothing else of the benchmark).
SECRET = ("bench-secret-" + "0123456789abcdef" * 3).encode()
