"""The scenario commands: `drsim validate` (check a folder without simulating), `drsim
make-county` (a generated county from a preset or an official division list), `drsim
import-osm` (road files from an OpenStreetMap extract) and `drsim import-places` (places and
facilities from GIS layers). The folders are made in sim/authoring/ and read back through
sim/scenario/ before a command says they were written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import outdir
from sim.cli.args import _overrides, _parse
from sim.config import (
    compose,
    resolve_data_dir,
)
from sim.errors import EXIT_BAD_INPUT, InputError, Problem


def cmd_validate(args: list[str]) -> int:
    from sim import scenario
    from sim.settings import ScenarioSettings

    if "--dir" in args:
        i = args.index("--dir")
        if i + 1 >= len(args):
            raise InputError(Problem("command line", "--dir", "needs a folder path after it"))
        folder, overrides = Path(args[i + 1]), None
    else:
        config, _ = compose(_overrides(args))
        try:
            overrides = ScenarioSettings.model_validate(config["scenario"])
        except Exception:
            from sim.settings import Settings

            Settings.from_dict(config)  # raises the full InputError
            raise
        folder = resolve_data_dir(overrides.dir)
    scen = scenario.load(folder, overrides)
    villages = len(scen.villages())
    stock = sum(sum(d.stock) for d in scen.depots)
    print(
        f"scenario {scen.name} ({folder}) is valid: {len(scen.places)} places ({villages} villages), "
        f"{scen.road.n_nodes} road nodes, {len(scen.road.u)} edges, {len(scen.depots)} depots "
        f"holding {stock} units of {len(scen.items)} items; farthest snap "
        f"{max(p.snap_km for p in scen.places):.3f} km (tolerance {scen.snap_tolerance_km:g} km)"
    )
    return 0


def cmd_make_county(args: list[str]) -> int:
    import argparse

    from sim.authoring.write import write_scenario

    parser = argparse.ArgumentParser(prog="drsim make-county", description="Generate a scenario folder.")
    parser.add_argument("--preset", choices=["tiny", "zhangshu", "jinjiang", "county", "mmc"])
    parser.add_argument(
        "--divisions",
        help="an official division list, X_townships.csv or X_villages.csv (the pair is read): the "
        "county's township and village names, codes and structure (docs/guide/your-county.md)",
    )
    parser.add_argument(
        "--seat", help="with --divisions: the seat's unit, by code or name (default: first street)"
    )
    parser.add_argument("--population", type=int, help="with --divisions: people (default 1,833 per village)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--villages", type=int, default=None, help="villages, for --preset county")
    parser.add_argument("--out", required=True, help="folder to write (e.g. scenarios/zhangshu)")
    parser.add_argument("--force", action="store_true", help="replace a scenario folder that drsim made")
    try:
        ns = parser.parse_args(args)
    except SystemExit as exc:
        return EXIT_BAD_INPUT if exc.code else 0
    if (ns.preset is None) == (ns.divisions is None):
        raise InputError(
            Problem("command line", " ".join(args), "give exactly one of --preset NAME or --divisions FILE")
        )
    if ns.divisions is None and (ns.seat is not None or ns.population is not None):
        raise InputError(
            Problem("command line", " ".join(args), "--seat and --population go with --divisions")
        )
    # refused before generating: an unsafe path, or a folder drsim may not replace
    outdir.check(ns.out, "scenario", replace=ns.force, force_hint=True, where="command line --out")
    if ns.divisions is not None:
        from sim.authoring import divisions
        from sim.authoring.counties import county

        table = divisions.read(ns.divisions)
        divisions.seat(table, ns.seat)  # an unknown seat is refused here, naming --seat
        try:
            files = county(
                "divisions", seed=ns.seed, division_list=table, seat=ns.seat, population=ns.population,
                source=ns.divisions,
            )  # fmt: skip
        except ValueError as exc:
            raise InputError(Problem("command line", " ".join(args), str(exc))) from None
    elif ns.preset == "tiny":
        from sim.authoring.tiny import tiny

        files = tiny()
    elif ns.preset == "mmc":
        from sim.authoring.mmc import mmc

        files = mmc()
    else:
        from sim.authoring.counties import county

        if ns.preset == "county" and not ns.villages:
            raise InputError(
                Problem("command line --villages", ns.villages, "--preset county needs --villages N (N >= 1)")
            )
        try:
            files = county(ns.preset, seed=ns.seed, villages=ns.villages)
        except ValueError as exc:
            raise InputError(Problem("command line", " ".join(args), str(exc))) from None
    target = write_scenario(ns.out, files, overwrite=ns.force)
    from sim import scenario

    scen = scenario.load(target)
    print(
        f"wrote {target}: {len(scen.villages())} villages, {scen.road.n_nodes} road nodes, "
        f"{len(scen.depots)} depots"
    )
    return 0


def cmd_import_osm(args: list[str]) -> int:
    import argparse

    from sim.authoring import osm

    parser = argparse.ArgumentParser(
        prog="drsim import-osm",
        description="Build a scenario's road files from an OpenStreetMap extract (offline).",
    )
    parser.add_argument("file", help="an .osm, .osm.bz2 or .osm.pbf extract")
    parser.add_argument("--out", required=True, help="scenario folder to write, e.g. scenarios/mycounty")
    parser.add_argument("--bbox", help="W,S,E,N in WGS84 degrees: keep only road inside it")
    parser.add_argument("--speeds", help="class=km/h,... overriding the defaults (0 drops a class)")
    parser.add_argument(
        "--max-edge-km", type=float, default=osm.MAX_EDGE_KM, help="cut road chains about this often"
    )
    parser.add_argument("--name", help="scenario name (default: the folder name)")
    parser.add_argument("--force", action="store_true", help="replace the roads of an existing folder")
    ns = _parse(parser, args)
    outdir.absolute_target(ns.out, "command line --out")  # an unsafe path, before reading the extract
    info = osm.import_osm(
        ns.file,
        ns.out,
        bbox=osm.parse_bbox(ns.bbox),
        speeds=osm.parse_speeds(ns.speeds),
        max_edge_km=ns.max_edge_km,
        name=ns.name,
        force=ns.force,
    )
    print(
        f"wrote {ns.out}: {info['nodes']:,} road nodes, {info['edges']:,} edges, {info['km']:,.2f} km "
        f"(read {info['km_read']:,.2f} km; dropped {info['nodes_dropped']:,} nodes and "
        f"{info['km_dropped']:,.2f} km outside the largest strongly connected part)\n"
        f"road data {osm.ATTRIBUTION} (ODbL); next: drsim import-places --out {ns.out} ..."
    )
    found, dropped = info["ways_by_class"], info["ways_skipped"]
    unmatched = sorted(c for c in info["speeds_set"] if c not in found and f"highway={c}" not in dropped)
    if unmatched:  # a class may be added on purpose, but one that matches no way is likely a typo
        print(
            f"drsim import-osm: warning: --speeds {', '.join(unmatched)}: no highway=* way of that class "
            f"in the extract (its classes: {', '.join(found)})",
            file=sys.stderr,
        )
    return 0


def cmd_import_places(args: list[str]) -> int:
    import argparse

    from sim.authoring import gis, gis_mapping

    parser = argparse.ArgumentParser(
        prog="drsim import-places",
        description="Places and facilities from CSV, GeoJSON or GeoPackage layers into a scenario folder.",
        epilog="KIND is one of: " + ", ".join(gis_mapping.LAYER_KINDS),
    )
    parser.add_argument("layers", nargs="*", metavar="KIND=FILE[::LAYER]", help="e.g. village=villages.gpkg")
    parser.add_argument("--out", help="scenario folder made by drsim import-osm")
    parser.add_argument("--mapping", help="YAML mapping of field names, values, stock columns, per-file CRS")
    parser.add_argument("--crs", choices=gis_mapping.CRS_CHOICES, help="coordinates' system (default wgs84)")
    parser.add_argument("--print-mapping", action="store_true", help="print the built-in mapping and stop")
    ns = _parse(parser, args)
    if ns.print_mapping:
        print(gis_mapping.default_mapping_yaml())
        return 0
    if not ns.out or not ns.layers:
        raise InputError(
            Problem("command line", " ".join(args), "needs --out DIR and at least one KIND=FILE layer")
        )
    outdir.absolute_target(ns.out, "command line --out")
    report = gis.import_places(ns.out, ns.layers, mapping=ns.mapping, crs=ns.crs)
    print("\n".join(report.lines()))
    return 0
