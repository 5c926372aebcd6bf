"""The table of assumptions (sim/assumptions.py) and the method note quote the run's own values.

Every registry entry resolves under the shipped configuration; changing the horizon, the first
report delay and the number of aircraft changes the table, `drsim run --assumptions` and both
languages of the STRESS-DES method note; nothing of the old fixed text ("72 h", "median 60 min",
"one helicopter") survives a run that used other values.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from sim import assumptions
from sim.cli import main
from sim.report.appendix import annex_key_rows, assumption_rows, method_note
from sim.report.i18n import words
from tests.conftest import load_scenario, settings_for

CHANGED = (
    "run.horizon_h=49.5",
    "reporting.first_delay_min=37",
    "reporting.road_delay_min=41",
    "air.aircraft=3",
)


def _run(*overrides: str) -> SimpleNamespace:
    """What the appendix reads of a run: its settings and scenario."""
    settings = settings_for("scenario=zhangshu", *overrides)
    label = {"zh": "目标", "en": "target"}  # the appendix names a target's rows by its label
    return SimpleNamespace(
        settings=settings,
        scenario=load_scenario("zhangshu"),
        target_label=lambda name, lang: f"{label[lang]} {name}",
    )


def _values(res: SimpleNamespace) -> dict[str, str]:
    return {r.key: r.value for r in assumptions.table(res.settings, res.scenario)}


def test_every_entry_resolves_under_the_shipped_hazards():
    """A registry key that matches nothing (a renamed setting) would silently drop a row."""
    found: set[str] = set()
    for hazard in ("hazard=flood_moderate", "hazard=earthquake"):
        res = _run(hazard)
        found |= {r.entry.key for r in assumptions.table(res.settings, res.scenario)}
    assert found == {e.key for e in assumptions.REGISTRY}
    for e in assumptions.REGISTRY:  # every row says where it comes from and how far it may go
        assert e.source_en and e.source_zh and e.range and e.what_en and e.what_zh, e.key


def test_table_and_note_quote_the_run_values():
    default, changed = _run(), _run(*CHANGED)
    before, after = _values(default), _values(changed)
    assert (before["run.horizon_h"], before["reporting.first_delay_min"], before["air.aircraft"]) == (
        "72",
        "60",
        "1",
    )
    assert (after["run.horizon_h"], after["reporting.first_delay_min"], after["air.aircraft"]) == (
        "49.5",
        "37",
        "3",
    )
    assert after["scenario:unload_min"] == "20"  # from the scenario's scenario.yaml defaults
    en, zh = method_note("en", changed), method_note("zh", changed)
    assert "onset to 49.5 h" in en and "median 37 min" in en and "3 helicopters at 200 km/h" in en
    assert "运行到49.5小时" in zh and "中位延迟37分钟" in zh and "3架直升机" in zh
    assert "median 41 min, or found earlier" in en and "中位41分钟后上报" in zh
    for text in (en, zh):
        assert "{" not in text and "}" not in text  # every field filled
        assert not re.search(r"\b72 ?h|72小时|60 ?min|60分钟|one helicopter|1架", text)
    en0 = method_note("en", default)
    assert "onset to 72 h" in en0 and "median 60 min" in en0 and "one helicopter" in en0
    # the appendix's section is the same table, in the appendix's language
    # by name and value in words; the keys are in the technical annex, row for row
    for lang in ("zh", "en"):
        header, rows = assumption_rows(changed, lang)
        assert header == [assumptions.HEADER[lang][0], *assumptions.HEADER[lang][2:]]
        _, keys = annex_key_rows(changed, lang)
        assert [k[0] for k in keys] == [r[0] for r in rows]
        items = {r.key for r in assumptions.table(changed.settings, changed.scenario) if r.entry.items}
        assert items == {"scenario:need_per_person"}  # the one value that names relief items
        assert {k[1]: r[1] for k, r in zip(keys, rows, strict=True)} == {
            k: words(v, lang, items=k in items) for k, v in after.items()
        }


def test_cli_prints_the_table_without_running(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--assumptions", "scenario=tiny", *CHANGED]) == 0
    out = capsys.readouterr().out
    cells = [re.split(r"\s{2,}", line) for line in out.splitlines()]
    assert cells[0] == assumptions.HEADER["en"]
    value = {c[1]: c[2] for c in cells[1:]}
    assert value["run.horizon_h"] == "49.5" and value["reporting.first_delay_min"] == "37"
    assert value["air.aircraft"] == "3" and value["policy.relief"] == "tiered_nearest"
    assert not any(tmp_path.iterdir())  # nothing run, nothing written
    assert main(["run", "--assumptions", "--lang", "zh", "scenario=tiny"]) == 0
    assert "首报中位延迟" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--lang"], ["--lang", "fr"]])
def test_a_bad_language_is_one_message(args, capsys):
    assert main(["run", "--assumptions", *args, "scenario=tiny"]) == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "zh or en" in err and "Traceback" not in err


def test_every_snake_case_value_word_in_the_registry_has_a_chinese_reading():
    """A policy or option name (multi_drop, insertion_drop, ...) in an assumption's range is
    shown to a Chinese reader through i18n.WORDS: one missing would put a code in the appendix.
    Fast check of the registry itself (the whole-appendix scan in test_place_names finds the
    same, in minutes)."""
    import re

    from sim.assumptions import REGISTRY
    from sim.report.i18n import words

    left = {
        (a.key, w) for a in REGISTRY for w in re.findall(r"[A-Za-z]+_[A-Za-z0-9_]+", words(a.range, "zh"))
    }
    assert not left, sorted(left)


# Latin words a Chinese reader of the assumptions reads as they are: units and proper names.
LATIN_IN_CHINESE = {"h", "min", "km", "m2", "RPM", "JTG", "AS350", "AW139"}
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


@pytest.mark.parametrize("hazard", ["flood_major", "earthquake", "typhoon", "hazchem"])
@pytest.mark.parametrize("scenario", ["zhangshu", "jinjiang"])
def test_the_chinese_assumption_table_is_chinese_not_a_word_for_word_reading(scenario, hazard):
    """Every value and range of the Chinese table (as the appendix shows it) holds no English word
    but units and proper names, and no space between two Chinese characters (the mark of English
    translated word by word: "80-98 % 存活 于 72 h", "情景 数据"), no straight quote (Chinese
    text quotes with “ ”); and water the item reads as drinking water, not the rescue type's 水域."""
    settings = settings_for(f"scenario={scenario}", f"hazard={hazard}")
    res = SimpleNamespace(
        settings=settings, scenario=load_scenario(scenario), target_label=lambda name, lang: name
    )
    _, rows = assumption_rows(res, "zh")
    problems = []
    for name, value, source, rng in rows:
        for cell in (value, rng):
            latin = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", cell)) - LATIN_IN_CHINESE
            if latin or re.search(f"{CJK} {CJK}", cell) or '"' in cell:
                problems.append((name, cell))
        if '"' in source:  # sources cite authors and standards in Latin letters; quotes are Chinese
            problems.append((name, source))
    assert problems == []
    need = next(value for name, value, _s, _r in rows if name.startswith("人均需求"))
    assert "饮用水" in need and "水域" not in need
