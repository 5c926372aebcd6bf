"""drsim: a discrete-event simulator of county disaster-response logistics.

The public API a notebook or script uses:

    from sim import api
    result = api.run(["scenario=tiny", "run.reps=5"], out="outputs/nb")

The data flow is one way (DESIGN section 2), and the folders follow it: configuration
(sim/config.py, sim/settings.py) -> scenario (sim/scenario/) -> model (sim/model/) -> event
log (sim/events.py) -> tables, metrics and verdicts (sim/results/) -> files (sim/experiment/)
-> report (sim/report/); sim/cli/ and sim/api.py start it, sim/authoring/ makes scenario
folders (docs/architecture.md has the map).
"""

__version__ = "0.1.0"
