"""The offline interactive view (`drsim report DIR --html`) in a real browser.

The page is opened from the file system in headless Chromium (Debian's `chromium`, driven by
Playwright for Python with the system executable: no browser download) with the network cut
off three ways (an offline context, every non-file request aborted, and counted). The test
checks that the page made no network request, that the map and the time slider render, that
moving the slider changes what is drawn, and that clicking a village opens its panel with its
name. A screenshot is kept under the test's temporary folder (its path is printed), or under
$DRSIM_TEST_ARTEFACTS when that is set (CI keeps that folder). It skips, saying why, only
where no browser can be had.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.report.html import Projection, _script_json, km_per_degree

SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _browser_path() -> str | None:
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "tiny"
    # tiny's major flood: deliveries over hours, cut roads; two replications to replay
    assert main(["run", "scenario=tiny", "hazard=flood_major", "run.reps=2", f"hydra.run.dir={out}"]) == 0
    return out


@pytest.fixture(scope="module")
def view_zh(run_dir) -> Path:
    # the Chinese view through the command line; the English one is the sweep view below (one
    # page load per language keeps the test short: parsing plotly.js is most of a page's time)
    assert main(["report", str(run_dir), "--html", "--lang", "zh"]) == 0
    return run_dir / "report" / "view-zh.html"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
    )
    path = _browser_path()
    if path is None:
        pytest.skip(
            "no Chromium on this machine: install Debian's chromium (apt-get install -y chromium) "
            "to run the browser test of the HTML view"
        )
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        except Exception as exc:  # a browser that cannot start here (no display libraries, ...)
            pytest.skip(f"Chromium at {path} would not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


def _screenshot_and_no_requests(page, requests: list[str], tmp_path: Path, name: str) -> None:
    """Keep a screenshot of the whole page (its path printed), then: no network request made."""
    folder = Path(os.environ.get("DRSIM_TEST_ARTEFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert not requests, f"the page made network requests: {requests}"


def _open(browser, path: Path):
    """A page on `path` with every network request refused and counted."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    context.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else requests.append(r.url)
    )

    def refuse(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=10_000)
    return page, requests, errors


# The map's SVG group of each drawn trace, by the trace's index in the figure (Plotly leaves
# an empty trace out of the SVG, so document order is not trace order).
TRACE_GROUPS = """() => {
    const out = {};
    for (const g of document.querySelectorAll('#map .scatterlayer .trace')) {
        const cd = g.__data__;
        if (cd && cd[0] && cd[0].trace) { out[cd[0].trace.index] = g; }
    }
    return out;
}"""


def _drawn(page) -> dict[str, object]:
    """What the map shows now: per trace index, its markers (Plotly draws each as an SVG
    path.point) and its line's path; and the counts line under the slider."""
    return page.evaluate(
        f"""() => {{
        const groups = ({TRACE_GROUPS})();
        const points = {{}}, lines = {{}};
        for (const [i, g] of Object.entries(groups)) {{
            points[i] = g.querySelectorAll('path.point').length;
            const line = g.querySelector('path.js-line');
            lines[i] = line ? line.getAttribute('d') : '';
        }}
        return {{points, lines, counts: document.getElementById('counts').textContent}};
    }}"""
    )


def test_view_opens_offline_replays_and_opens_a_village(browser, view_zh, tmp_path):
    page, requests, errors = _open(browser, view_zh)
    try:
        assert not errors, errors
        assert page.locator("#map .main-svg").count() >= 1, "the map did not render"
        slider = page.locator("#time")
        assert slider.is_visible(), "the time slider is not shown"
        start = _drawn(page)
        villages = page.evaluate("JSON.parse(document.getElementById('drsim-data').textContent).geo.villages")
        assert sum(start["points"].values()) >= len(villages["id"]), "fewer markers than villages"
        # to the horizon: deliveries have been made, so the rings of reached villages appear
        slider.evaluate("(s) => { s.value = s.max; s.dispatchEvent(new Event('input')); }")
        page.wait_for_function(f"document.getElementById('counts').textContent !== {start['counts']!r}")
        end = _drawn(page)
        assert end["counts"] != start["counts"]
        assert end["points"] != start["points"], "moving the slider changed nothing on the map"
        reached = int(page.locator("#counts").get_attribute("data-delivered"))
        assert reached > 0
        # click a village marker: the first point of the coloured village trace
        trace, clicked = page.evaluate(
            """() => {
            const gd = document.getElementById('map');
            const tr = gd.data.findIndex(t => t.customdata && t.customdata.length && t.marker.colorscale);
            return [tr, tr >= 0 ? gd.data[tr].customdata[0] : -1];
        }"""
        )
        assert trace >= 0, "no coloured village trace"
        # Plotly finds the point under the mouse itself (its markers take no pointer events):
        # move to the marker's centre and click there, as a person would
        box = page.evaluate(
            f"""() => {{
            const r = ({TRACE_GROUPS})()[{trace}].querySelector('path.point').getBoundingClientRect();
            return {{x: r.x, y: r.y, width: r.width, height: r.height}};
        }}"""
        )
        assert box is not None
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        panel = page.locator("#panel")
        panel.wait_for(state="visible", timeout=5_000)
        vid = panel.get_attribute("data-village")
        assert vid == villages["id"][clicked], "the panel is of another village than the one clicked"
        vname = villages["name"][clicked]
        assert vname in page.locator("#panel h3").inner_text()
        body = page.locator("#panel").inner_text()
        # names, not codes, in the Chinese view
        assert vid not in body and not re.search(r"relief_\d+h|initial_relief|basic_relief", body)
        _screenshot_and_no_requests(page, requests, tmp_path, "html-view-zh")
    finally:
        page.context.close()


def test_html_on_a_folder_that_is_not_a_result_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "not_a_run"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    assert main(["report", str(folder), "--html"]) == 2
    err = capsys.readouterr().err
    assert "not a finished drsim run or sweep directory" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def as_sweep(run_dir: Path, folder: Path, kept_parts: dict[str, int] | None = None):
    """The run's results as a sweep: the run as the baseline, and "all_in_time", a dearer case in
    which everyone was relieved in time. `kept_parts`: cases whose event logs the sweep kept,
    with how many replications (written under folder/parts/CASE/ as a sweep writes them)."""
    import pandas as pd

    from sim.report.data import load_results
    from sim.results import metrics

    res = load_results(run_dir)
    base, other = res.main_case, "all_in_time"
    villages = res.villages.assign(case=other)
    for name in res.targets:
        villages[f"{name}_people_in_time"] = villages[f"{name}_people"]
    res.villages = pd.concat([res.villages, villages], ignore_index=True)
    res.reps = pd.concat([res.reps, res.reps.assign(case=other)], ignore_index=True)
    res.summary = pd.concat([res.summary, res.summary.assign(case=other)], ignore_index=True)
    rows = []
    for case, cost, held in ((base, 0.0, 1), (other, 2.5e6, 3)):
        rows += [
            {"case": case, "measure": "cost_yuan", "estimate": cost},
            {"case": case, "measure": "frontier", "estimate": 1.0},
        ]
        for name in res.targets:
            low, high = metrics.wilson(held, 3)
            rows.append({"case": case, "measure": f"{name}_p_holds", "target": name, "estimate": held / 3,
                         "ci_low": low, "ci_high": high, "n": 3})  # fmt: skip
    res.cases = pd.DataFrame(rows)
    res.kind = "sweep"
    res.meta |= {"baseline": base, "focus_target": next(iter(res.targets))}
    res.dir = folder
    for case, n in (kept_parts or {}).items():
        (folder / "parts" / case).mkdir(parents=True)
        for rep in sorted(res.events["rep"].unique())[:n]:
            part = res.events[res.events["rep"] == rep].assign(case=case)
            part.to_parquet(folder / "parts" / case / f"rep-{int(rep):06d}.events.parquet", index=False)
    return res


@pytest.fixture(scope="module")
def sweep_view(run_dir, tmp_path_factory) -> Path:
    """The English view of as_sweep(): the other case kept no event log (a sweep's default)."""
    from sim.report import html

    folder = tmp_path_factory.mktemp("sweep_view")
    path = folder / "view-en.html"
    path.write_text(html.render(as_sweep(run_dir, folder), "en"), encoding="utf-8")
    return path


def test_a_sweep_case_with_kept_event_logs_is_replayed_up_to_the_cap(run_dir, tmp_path, monkeypatch):
    """Another case than the baseline is replayed from the parts the sweep kept, and no more
    of them are read than the cap (MAX_REPLAY_REPS) allows; a case without parts says so."""
    from sim.report import html

    res = as_sweep(run_dir, tmp_path, kept_parts={"all_in_time": 2})
    monkeypatch.setattr(html, "MAX_REPLAY_REPS", 1)
    data = html.view_data(res, "zh")
    assert list(data["replays"]["all_in_time"]) == ["0"]  # one part read of the two kept
    assert list(data["replays"][res.main_case]) == ["0"]
    assert "前1次" in data["notes"]["all_in_time"] and "共2次" in data["notes"]["all_in_time"]
    base = data["replays"][res.main_case]["0"]
    assert data["replays"]["all_in_time"]["0"] == base  # the same log, so the same replay
    bare = html.view_data(as_sweep(run_dir, tmp_path / "bare"), "en")
    assert "all_in_time" not in bare["replays"] and "keep_events" in bare["notes"]["all_in_time"]


def _village_colours(page) -> list[float]:
    return page.evaluate(
        """() => document.getElementById('map').data
            .find(t => t.marker && t.marker.colorscale).marker.color"""
    )


def test_sweep_view_maps_any_case_and_the_frontier_chooses_it(browser, sweep_view, tmp_path):
    page, requests, errors = _open(browser, sweep_view)
    try:
        assert not errors, errors
        assert page.locator("#frontier .main-svg").count() >= 1, "the frontier did not render"
        assert page.locator("table.cases tbody tr").count() == 2
        assert page.locator("#case").is_visible()
        base = page.locator("#case").input_value()
        before = _village_colours(page)
        assert page.locator("#time").is_visible()  # the baseline's replications can be replayed
        page.select_option("#case", "all_in_time")
        page.wait_for_function("document.getElementById('replay-note').textContent.length > 0")
        after = _village_colours(page)
        assert after != before and set(after) == {1}, "the chosen case's villages are not mapped"
        assert not page.locator("#time").is_visible(), "a case without an event log offers a replay"
        # click the baseline's point on the frontier: the map shows that case again
        page.locator("#frontier").scroll_into_view_if_needed()
        x, y = page.evaluate(
            """() => {
            const point = document.querySelector('#frontier .scatterlayer .trace path.point');
            const r = point.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }"""
        )
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        page.wait_for_function(f"document.getElementById('case').value === {base!r}")
        assert _village_colours(page) == before
        _screenshot_and_no_requests(page, requests, tmp_path, "html-view-sweep")
    finally:
        page.context.close()


# ---------------------------------------------------------------- without a browser


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                    max_leaves=20))  # fmt: skip
@settings(deadline=None)
def test_embedded_json_cannot_close_its_script_element(value):
    """Names come from the user's places.csv: whatever they hold, the data block parses back to
    the same value and holds no '<', '>' or '&' (no '</script>' can end it early)."""
    raw = _script_json(value)
    assert not set(raw) & set("<>&")
    assert json.loads(raw) == value


@given(st.floats(-60, 60), st.floats(-60, 60), st.floats(18, 53), st.floats(74, 134))  # China's extent
@settings(deadline=None)  # the first example imports pyproj: seconds on a loaded machine
def test_projection_keeps_distances_within_half_a_percent(dx_km, dy_km, lat0, lon0):
    """The map's km east/north of the centre against the WGS84 geodesic (pyproj), over a
    county's extent (120 km square): the km axes and the 1.5 km click radius mean what they say."""
    pyproj = pytest.importorskip("pyproj")
    kx, ky = km_per_degree(lat0)
    lon, lat = lon0 + dx_km / kx, lat0 + dy_km / ky
    proj = Projection(np.array([lon0 - 0.5, lon0 + 0.5]), np.array([lat0 - 0.5, lat0 + 0.5]))
    (x0, x1), (y0, y1) = proj([lon0, lon], [lat0, lat])
    mapped = math.hypot(x1 - x0, y1 - y0)
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(lon0, lat0, lon, lat)
    assert mapped == pytest.approx(metres / 1000, rel=0.005, abs=0.005)


def test_chinese_view_shows_names_not_codes(view_zh, run_dir):
    """Every text a reader sees in the Chinese view (tables, labels, panel texts, timelines)
    names places and targets; ids stay only where the page joins data."""
    from sim.report.data import load_results

    res = load_results(run_dir)
    page = view_zh.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="drsim-data">(.*?)</script>', page, re.S).group(1))
    data["geo"]["villages"].pop("id")  # the join key, never shown
    for t in data["targets"]:
        t.pop("key")
    data.pop("cases"), data.pop("main_case"), data.pop("answers")  # keys: case names, target keys
    shown = json.dumps(data, ensure_ascii=False) + re.sub(r"<script.*?</script>", "", page, flags=re.S)
    codes = [*res.settings.targets, *(p.id for p in res.scenario.places if len(p.id) > 1)]
    found = [c for c in codes if re.search(rf"(?<![A-Za-z0-9_]){re.escape(c)}(?![A-Za-z0-9_])", shown)]
    assert not found, f"codes shown in the Chinese view: {found}"
    assert re.search(r"[\u4e00-\u9fff]", shown)


def test_html_beside_an_existing_report_keeps_it(run_dir, view_zh, capsys):
    """A second --html run adds its page to the report folder; the first page stays."""
    assert main(["report", str(run_dir), "--html", "--lang", "en"]) == 0
    assert view_zh.is_file() and (run_dir / "report" / "view-en.html").is_file()
    out = capsys.readouterr().out
    assert "view-en.html" in out and "MB" in out
    marker = json.loads((run_dir / "report" / ".drsim").read_text(encoding="utf-8"))
    assert {"view-zh.html", "view-en.html"} <= set(marker["files"])


def test_html_with_a_study_is_refused_before_anything(run_dir, tmp_path, capsys):
    out = tmp_path / "view"
    assert main(["report", str(run_dir), "--html", "--sensitivity", str(tmp_path), "--out", str(out)]) == 2
    assert "not with --html" in capsys.readouterr().err
    assert not out.exists()
