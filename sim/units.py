"""Unit constants and conversions. Model time is minutes since disaster onset."""

MIN_PER_H = 60.0
H_PER_DAY = 24.0
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def h_to_min(hours: float) -> float:
    return hours * MIN_PER_H


def min_to_h(minutes: float) -> float:
    return minutes / MIN_PER_H


def kmh_to_km_per_min(speed_kmh: float) -> float:
    return speed_kmh / MIN_PER_H


def travel_min(length_km: float, speed_kmh: float) -> float:
    """Minutes to drive `length_km` at `speed_kmh`."""
    return length_km / speed_kmh * MIN_PER_H
