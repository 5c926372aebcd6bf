"""Scenario folders: loading, validation, the road graph and travel-time tables."""

from sim.scenario.load import load
from sim.scenario.types import Depot, Item, Place, RoadGraph, Scenario

__all__ = ["Depot", "Item", "Place", "RoadGraph", "Scenario", "load"]
