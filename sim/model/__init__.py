"""The SimPy world. Imports settings, scenario, rng, events, units, simpy, numpy only."""
