"""drsim: a discrete-event simulator of county disaster-response logistics.

The public API a notebook or script uses:

    from sim import api
    result = api.run(["scenario=tiny", "run.reps=5"])

The data flow is one way (DESIGN section 2): config -> settings -> scenario ->
model -> event log -> tables -> metrics -> report.
"""

__version__ = "0.1.0"
