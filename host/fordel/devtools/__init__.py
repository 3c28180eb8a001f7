"""Helpers the tests and the benchmarks share (a throwaway PostgreSQL cluster, the public
telegram vectors, the whole-app heap run). No `fordel` command imports them; they live in
the package so that tests and benches import the product side, never each other."""
