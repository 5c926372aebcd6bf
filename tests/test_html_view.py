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

import os
import re
import shutil
from pathlib import Path

import pytest

from sim.cli import main

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
    # tiny's major flood: deliveries over hours, cut roads; three replications to replay
    assert main(["run", "scenario=tiny", "hazard=flood_major", "run.reps=3", f"hydra.run.dir={out}"]) == 0
    return out


@pytest.fixture(scope="module")
def views(run_dir) -> dict[str, Path]:
    assert main(["report", str(run_dir), "--html"]) == 0
    return {lang: run_dir / "report" / f"view-{lang}.html" for lang in ("zh", "en")}


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


def _artefacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DRSIM_TEST_ARTEFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_view_opens_offline_replays_and_opens_a_village(browser, views, lang, tmp_path):
    page, requests, errors = _open(browser, views[lang])
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
        page.screenshot(path=str(_artefacts(tmp_path) / f"html-view-{lang}-end.png"), full_page=False)
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
        if lang == "zh":  # names, not codes, in the Chinese view
            assert vid not in body and not re.search(r"relief_\d+h|initial_relief|basic_relief", body)
        shot = _artefacts(tmp_path) / f"html-view-{lang}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
        assert not requests, f"the page made network requests: {requests}"
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
