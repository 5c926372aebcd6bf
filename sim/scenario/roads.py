"""The road network: graph building, connectivity, snapping and travel-time tables.

Travel times between the places that matter come from
`scipy.sparse.csgraph.dijkstra` over a sparse matrix of edge minutes, one call
for all sources (never a per-pair networkx call). Edges are undirected unless
`oneway`; parallel edges keep the fastest.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from sim.units import EARTH_RADIUS_KM, MIN_PER_H


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (numpy-broadcasting)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def time_matrix(
    n_nodes: int, u: np.ndarray, v: np.ndarray, minutes: np.ndarray, oneway: np.ndarray
) -> csr_matrix:
    """Directed node x node matrix of edge minutes; the fastest of parallel edges is kept."""
    both = ~oneway
    rows = np.concatenate([u, v[both]])
    cols = np.concatenate([v, u[both]])
    vals = np.concatenate([minutes, minutes[both]])
    # csr_matrix would add parallel edges up; keep the minimum instead.
    order = np.lexsort((vals, cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return csr_matrix((vals[first], (rows[first], cols[first])), shape=(n_nodes, n_nodes))


def edge_minutes(length_km: np.ndarray, speed_kmh: np.ndarray) -> np.ndarray:
    return length_km / speed_kmh * MIN_PER_H


def components(matrix: csr_matrix) -> tuple[int, np.ndarray]:
    """Weakly connected components (a one-way street still connects its ends)."""
    return connected_components(matrix, directed=True, connection="weak")


def strongly_connected(matrix: csr_matrix) -> tuple[int, np.ndarray]:
    return connected_components(matrix, directed=True, connection="strong")


def snap(node_lon: np.ndarray, node_lat: np.ndarray, lon: np.ndarray, lat: np.ndarray):
    """Nearest road node for each point: (node index array, distance km array).

    Search in a local equirectangular projection (exact enough to find the nearest
    node at county to province scale), then report the great-circle distance.
    """
    lat0 = np.radians(np.mean(node_lat))
    kx = EARTH_RADIUS_KM * np.cos(lat0) * np.pi / 180.0
    ky = EARTH_RADIUS_KM * np.pi / 180.0
    tree = cKDTree(np.column_stack([node_lon * kx, node_lat * ky]))
    _, idx = tree.query(np.column_stack([np.asarray(lon) * kx, np.asarray(lat) * ky]))
    idx = np.asarray(idx, dtype=np.int64)
    return idx, haversine_km(node_lon[idx], node_lat[idx], lon, lat)


def travel_table(matrix: csr_matrix, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minutes from each source to every node, and from every node back to each source.

    Returns (out, back), each shaped (len(sources), n_nodes); inf where unreachable.
    """
    sources = np.asarray(sources, dtype=np.int64)
    if len(sources) == 0:
        n = matrix.shape[0]
        return np.zeros((0, n)), np.zeros((0, n))
    uniq, inverse = np.unique(sources, return_inverse=True)
    out = dijkstra(matrix, directed=True, indices=uniq)
    transposed = matrix.T.tocsr()
    # Without one-way streets the way back is the way out: same matrix, same Dijkstra, same bits.
    symmetric = (matrix != transposed).nnz == 0
    back = out if symmetric else dijkstra(transposed, directed=True, indices=uniq)
    return np.atleast_2d(out)[inverse], np.atleast_2d(back)[inverse]
