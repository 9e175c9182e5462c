"""peacekg's benchmark harness (issue 6): ``python -m bench [--quick]``.

- :mod:`bench.generate`: seeded synthetic data that follows the ontology and conforms to the shapes;
- :mod:`bench.errors`: errors injected to check that the SHACL engines agree;
- :mod:`bench.measure`: the measurements, each run in a child process for its peak memory;
- :mod:`bench.processes`: whole-process figures (cold start, HTTP server);
- :mod:`bench.__main__`: runs them all, prints the table, writes ``docs/benchmarks.md``.
"""
