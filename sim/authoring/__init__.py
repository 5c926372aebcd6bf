"""Authoring: making scenario folders (`drsim make-county`, `import-osm`, `import-places`).

Generated counties (`counties`, from presets or an official division list read by
`divisions`), the hand-checkable `tiny` and the queueing check's `mmc`, road files from an
OpenStreetMap extract (`osm`), places and facilities from GIS layers (`gis`, with Chinese
web-map coordinates in `coords`), and the one folder writer they all use (`write`). What a
scenario folder means, and how it is read and checked, is `sim.scenario`'s job: a folder made
here is loaded back through it before it is reported as written.
"""
