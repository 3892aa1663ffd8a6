"""Benchmarks for `make bench`: the helpers against walkthrough-style code, scaling, notebooks."""
