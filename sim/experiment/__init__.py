"""Experiments: settings and a scenario -> replications -> tables and files.

The case spec of a sweep (`spec`, read from `configs/experiment/NAME.yaml`), budget changes
and their cost (`budget`), how big a run will be (`estimate`), where replications run
(`executors`: a local process pool or Dask), one replication and the files of `drsim run`
(`runner`), the resumable Monte Carlo sweep (`sweep`, the coordinator, with its rooms: `units`,
`store`, `sweep_checks`, `stopping`, `aggregate`, `manifests`, `replay`), and
global sensitivity studies whose design points are sweep cases (`sensitivity`). What a run
means (tables, KPIs, verdicts) is computed in `sim.results`; what is printed, in `sim.cli`.
"""
