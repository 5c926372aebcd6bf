"""Places by name wherever a person reads: a zhangshu run's terminal output, its appendix in both
languages and its chart labels name townships (临江镇), never by an id (T100) where a name exists;
the CSV answers keep the id for joins with a name column beside it."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import pytest

from sim import api
from sim.cli import main
from sim.report import appendix, figures


@pytest.fixture(scope="module")
def zs_run(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("names") / "zs"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        args = ["run", "scenario=zhangshu", "hazard=flood_major", "run.reps=2", f"hydra.run.dir={out}"]
        assert main(args) == 0
    return out, printed.getvalue()


@pytest.fixture(scope="module")
def results(zs_run):
    return api.load(zs_run[0])


def _named_township_ids(res) -> dict[str, str]:
    return {p.id: p.name for p in res.scenario.places if p.id == p.township_id and p.name != p.id}


def _ids_in(text: str, ids) -> list[str]:
    """Township ids standing as words (not inside V100201, EMS_T100, TM_SEMI_T100 or the method
    note's "Erlang-B/C", where the seat's id C is a letter)."""
    return [i for i in ids if re.search(rf"(?<![A-Za-z0-9_/-]){re.escape(i)}(?![A-Za-z0-9_/-])", text)]


@pytest.mark.slow
def test_terminal_names_townships_and_never_shows_their_ids(zs_run, results):
    _, printed = zs_run
    names = _named_township_ids(results)
    assert "worst townships:" in printed  # two replications: targets undecided, worst ones named
    assert any(name in printed for name in names.values())
    assert _ids_in(printed, names) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_appendix_names_townships_and_never_shows_their_ids(results, tmp_path, lang):
    md = appendix.write_markdown(results, lang, tmp_path / "appendix.md", {}, {})
    text = md.read_text(encoding="utf-8")
    names = _named_township_ids(results)
    _header, rows = appendix.township_rows(results, lang)
    assert rows and all(r[0] in names.values() for r in rows)  # the per-township table, by name
    assert _ids_in(text, names) == []


def test_chart_labels_name_townships_and_teams_by_place(results):
    names = _named_township_ids(results)
    for draw in (figures.late_villages, figures.team_utilisation):
        fig = draw(results, "zh")
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        assert labels and _ids_in(" ".join(labels), names) == [], draw.__name__
        assert any(name in label for label in labels for name in names.values()), draw.__name__


def test_csv_answers_put_a_name_beside_every_id(zs_run):
    out, _ = zs_run
    for table in ("villages.csv", "townships.csv"):
        with (out / table).open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        for i, column in enumerate(header):
            if column.endswith("_id"):
                beside = header[i + 1]
                assert beside in ("name", column.replace("_id", "_name")), (table, column, beside)
