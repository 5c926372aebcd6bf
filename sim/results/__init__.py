"""Results: what a run's event log and saved tables say.

Event log -> tables for one replication (`tables`, `ems_tables`, `relief_people`), tables ->
KPIs, target outcomes and intervals (`metrics`, `ems_metrics`, `rescue_metrics`), the
plain-language verdict and per-place answers (`verdict`, `place_answers`), which targets a
run can test at all (`coverage`), and result folders read back with a schema
(`result_files`). Pure: no SimPy, no model (an import-linter contract in pyproject.toml), so
a result can be recomputed from a saved event log.
"""
