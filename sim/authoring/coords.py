"""Chinese web-map coordinates (GCJ-02, BD-09) to WGS84, vectorised with numpy.

GCJ-02 ("火星坐标", used by Gaode/AutoNavi, Tencent and Google's China maps) is WGS84 plus a
deliberate, smooth offset of a few hundred metres defined by the widely published
transform (Krasovsky ellipsoid constants a = 6378245 m, e² = 0.00669342162296594323). It
has no closed-form inverse, so WGS84 is found by fixed-point iteration of the forward
transform (the offset changes by ~1e-5 per unit of position, so each step gains about
five digits; we iterate to 1e-10 degrees, about 0.01 mm). BD-09 (Baidu) is GCJ-02 turned
and shifted once more by Baidu's published formula; its inverse is iterated the same way.
Both offsets apply only inside China's rough bounding box, as the standard code does:
outside it GCJ-02 and BD-09 coordinates are taken to be WGS84 already.

CGCS2000 (China Geodetic Coordinate System 2000, EPSG:4490) is used as WGS84 unchanged:
the two frames agreed to a few centimetres at epoch 2000.0, and plate motion (about 3 cm
a year in China) has moved them apart by well under a metre since, which is nothing beside
the road-snapping tolerance (hundreds of metres) and the size of a village.
"""

from __future__ import annotations

import numpy as np

A_KRASOVSKY_M = 6378245.0  # semi-major axis used by the GCJ-02 transform
EE_KRASOVSKY = 0.00669342162296594323  # its first eccentricity squared
X_PI = np.pi * 3000.0 / 180.0  # Baidu's rotation constant
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)  # W, S, E, N: where the offsets apply
TOLERANCE_DEG = 1e-10


def in_china(lon, lat) -> np.ndarray:
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w, s, e, n = CHINA_BOX
    return (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dlon, dlat) in degrees that GCJ-02 adds to a WGS84 position."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    t_lat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + common
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    t_lon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + common
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * np.pi
    magic = 1.0 - EE_KRASOVSKY * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = t_lat * 180.0 / ((A_KRASOVSKY_M * (1.0 - EE_KRASOVSKY)) / (magic * sqrt_magic) * np.pi)
    dlon = t_lon * 180.0 / (A_KRASOVSKY_M / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Invert the GCJ-02 offset by fixed-point iteration: w = g - offset(w)."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(30):
        dlon, dlat = _gcj_offset(w_lon, w_lat)
        n_lon, n_lat = g_lon - dlon, g_lat - dlat
        step = max(np.max(np.abs(n_lon - w_lon), initial=0.0), np.max(np.abs(n_lat - w_lat), initial=0.0))
        w_lon, w_lat = n_lon, n_lat
        if step < TOLERANCE_DEG:
            break
    return w_lon, w_lat


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * X_PI)
    inside = in_china(x, y)
    return np.where(inside, z * np.cos(theta) + 0.0065, x), np.where(inside, z * np.sin(theta) + 0.006, y)


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Baidu's published inverse, then refined by iterating the forward formula."""
    b_lon, b_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.hypot(x, y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(10):
        f_lon, f_lat = gcj02_to_bd09(g_lon, g_lat)
        err_lon, err_lat = b_lon - f_lon, b_lat - f_lat
        g_lon, g_lat = g_lon + err_lon, g_lat + err_lat
        if max(np.max(np.abs(err_lon), initial=0.0), np.max(np.abs(err_lat), initial=0.0)) < TOLERANCE_DEG:
            break
    inside = in_china(b_lon, b_lat)
    return np.where(inside, g_lon, b_lon), np.where(inside, g_lat, b_lat)


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def to_wgs84(crs: str, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes given in `crs` (wgs84, cgcs2000, gcj02, bd09) as WGS84."""
    if crs in ("wgs84", "cgcs2000"):
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if crs == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "bd09":
        return bd09_to_wgs84(lon, lat)
    raise ValueError(f"unknown coordinate system {crs!r}")
