"""Decision policies: pure functions from a snapshot to a decision, one module per decision
family, each with its registry of policies by name (a process calls the registry, never a
function directly; configs name the policy).

- `relief`: which depots give how much of each item (`RELIEF_POLICIES`, `policy.relief`);
- `routes`: how a truck's trip is built (`ROUTE_POLICIES`, `trucks.routing`);
- `repair`: which cut road a repair team goes to (`REPAIR_POLICIES`, `policy.repair`);
- `ems`: which ambulance goes to a call and which hospital takes the patient
  (`DISPATCH_POLICIES`, `HOSPITAL_POLICIES`, `ems.dispatch`, `ems.hospital`);
- `rescue`: which rescue task a team takes (`RESCUE_POLICIES`, `rescue.policy`).

No SimPy, no clock, no random draws: the same view gives the same decision (an import-linter
contract in pyproject.toml keeps SimPy out). The model applies the decision.
"""
