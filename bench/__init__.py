"""`make bench`: the performance budget of DESIGN.md §11 and issue 12, measured.

Not part of the test suite (pytest collects only `tests/`), and nothing here asserts: it
prints each figure beside its budget and writes the table to `bench/last-run.md`.
"""
