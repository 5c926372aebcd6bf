"""The README and the documentation site hold together: every relative link in README.md,
CONTRIBUTING.md and docs/ names a file that exists and, when it has an #anchor into a Markdown
page, a heading that page has; README stays a front page (at most about 10 KB) that reaches
the architecture page in one click; every page of docs/ is in mkdocs.yml's nav; every model
file has its page in docs/model/, and those pages name every event kind and policy.

`mkdocs build --strict` (in .ci/run) checks the links between pages of the site too, but not
README.md or CONTRIBUTING.md, which live outside docs/; this test needs no mkdocs."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
README_MAX_BYTES = 10 * 1024


def slug(heading: str) -> str:
    """The anchor GitHub and MkDocs (toc's default slugify) give a heading: lower case, markup
    and punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"[-\s]+", "-", text).strip("-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [u for u in LINK.findall(text) if not re.match(r"[a-z]+:", u)]


PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for url in links(page):
        path, _, anchor = url.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
            broken.append(f"{url}: no file {shown}")
        elif anchor and target.suffix == ".md" and anchor not in anchors(target):
            broken.append(f"{url}: no heading with anchor #{anchor} in {target.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# Title\n\n[a](#title) [b](#nope) [c](missing.md)\n```\n[d](gone.md)\n```\n")
    assert links(page) == ["#title", "#nope", "missing.md"]
    assert anchors(page) == {"title"}
    assert slug("Sweeps: budget cases, costs and compliance (`drsim sweep`)") == (
        "sweeps-budget-cases-costs-and-compliance-drsim-sweep"
    )
    assert slug('"seed 00N": the planning documents') == "seed-00n-the-planning-documents"


def test_readme_is_a_front_page() -> None:
    readme = ROOT / "README.md"
    size = len(readme.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md: {size} bytes, over {README_MAX_BYTES}: details go in docs/"
    assert "docs/architecture.md" in links(readme), "README.md must link the architecture page"
    assert "scripts/test.sh" in readme.read_text(encoding="utf-8"), "README.md gives the one test command"


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for v in nav.values() for p in _nav_pages(v)]
    return []


def test_every_docs_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = set(_nav_pages(config["nav"]))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert pages == nav, f"in docs/ but not in the nav: {pages - nav}; in the nav but missing: {nav - pages}"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_performance_page_is_generated_from_the_dated_results() -> None:
    page = _script("performance_page")
    text = page.PAGE.read_text(encoding="utf-8")
    assert page.splice(text, page.render()) == text, "docs/performance.md: run scripts/performance_page.py"
    rounds = sorted(page.RESULTS.glob("*.json"))
    assert rounds, "bench/results/dated/ holds the dated benchmark rounds"
    for path in rounds:  # every round's rows are on the page, under its date
        r = json.loads(path.read_text(encoding="utf-8"))
        assert f"### {r['date']}, {r['time_utc']} UTC" in text
        assert all(row["figure"] in text for row in r["rows"]), path.name


MODEL = ROOT / "sim" / "model"
MODEL_PAGES = ROOT / "docs" / "model"


def _model_modules() -> set[str]:
    """The model's files (a module, or a package folder once a file is split into one)."""
    files = {p.stem for p in MODEL.glob("*.py") if p.stem != "__init__"}
    folders = {p.name for p in MODEL.iterdir() if (p / "__init__.py").is_file()}
    return files | folders


def test_every_model_file_has_its_page() -> None:
    """One page per model file (issue 22), and no page for a file that is gone."""
    pages = {p.stem for p in MODEL_PAGES.glob("*.md")} - {"index"}
    modules = _model_modules()
    assert pages == modules, (
        f"model files without a page: {modules - pages}; pages without a file: {pages - modules}"
    )
    index = (MODEL_PAGES / "index.md").read_text(encoding="utf-8")
    unlisted = sorted(m for m in modules if f"]({m}.md)" not in index)
    assert not unlisted, f"docs/model/index.md does not link the pages of {unlisted}"


def test_model_pages_name_every_event_kind_and_policy() -> None:
    """Every kind of event the model can write and every policy name a config may choose is on a
    model page (in backticks, as the pages write them), so a new one cannot go undocumented."""
    from sim.events import EventKind
    from sim.model.policies.ems import DISPATCH_POLICIES, HOSPITAL_POLICIES
    from sim.model.policies.relief import RELIEF_POLICIES
    from sim.model.policies.repair import REPAIR_POLICIES
    from sim.model.policies.rescue import RESCUE_POLICIES
    from sim.model.policies.routes import ROUTE_POLICIES

    text = "\n".join(p.read_text(encoding="utf-8") for p in MODEL_PAGES.glob("*.md"))
    kinds = [k.value for k in EventKind if f"`{k.value}`" not in text]
    assert not kinds, f"event kinds on no page of docs/model/: {kinds}"
    registries = (
        RELIEF_POLICIES,
        REPAIR_POLICIES,
        ROUTE_POLICIES,
        DISPATCH_POLICIES,
        HOSPITAL_POLICIES,
        RESCUE_POLICIES,
    )
    policies = [name for reg in registries for name in reg if f"`{name}`" not in text]
    assert not policies, f"policies on no page of docs/model/: {policies}"
