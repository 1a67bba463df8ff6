"""The dataset card's PNG plots: what they count, that hostile names draw as text, and that
the same tables give the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from newsfacts.publish.plots import (
    ARTICLES_PLOT,
    ENTITIES_PLOT,
    NETWORK_PLOT,
    article_periods,
    country_edges,
    every_period,
    plot_top_entities,
    release_plots,
)

PNG = b"\x89PNG\r\n\x1a\n"
# `$...$` would be parsed as TeX (and this one does not parse) if math parsing were on.
HOSTILE_NAMES = ["$\\frac{1}{$", '</script><img src=x onerror="alert(1)">', "习近平",
                 "x" * 500, "line\nbreak"]


def _articles(dates: list[tuple[dt.date | None, str]]) -> pa.Table:
    return pa.table({"published_date": pa.array([d for d, _ in dates], pa.date32()),
                     "published_date_precision": [p for _, p in dates]})


def _tables(names: list[str]) -> dict[str, pa.Table]:
    entities = pa.table({"name": names, "entity_type": ["PERSON"] * len(names),
                         "mention_count": list(range(len(names), 0, -1)),
                         "article_count": [1] * len(names)})
    dyads = pa.table({"source_country": ["RU", "VE", "RU", "VE"],
                      "target_country": ["VE", "RU", "VE", "VE"],
                      "symmetric": [False, False, True, False], "event_count": [3, 4, 2, 1]})
    articles = _articles([(dt.date(2017, 7, 11), "day"), (dt.date(2017, 9, 1), "month")])
    return {"articles": articles, "entities": entities, "dyads": dyads}


def test_seed_release_has_the_three_plots_listed_and_described(seed_release: Path) -> None:
    release = seed_release / "newsfacts" / "v0001"
    card = (release / "README.md").read_text()
    sums = (release / "SHA256SUMS").read_text()
    croissant = json.loads((release / "croissant.json").read_text())
    described = {f["name"]: f.get("description") for f in croissant["distribution"]}
    for name in (ARTICLES_PLOT, ENTITIES_PLOT, NETWORK_PLOT):
        assert (release / name).read_bytes().startswith(PNG)
        assert f"]({name})" in card and f"  {name}\n" in sums
        assert described[name]  # the alt text, which the catalog page shows
    assert described[ARTICLES_PLOT] == "Bar chart of 2 articles per year from 2017 to 2018."
    assert ("RU to VE: 3; RU and VE: 6; TR and VE: 1; VE to RU: 4; VE to TR: 2"
            in described[NETWORK_PLOT])
    assert "Not shown" not in described[NETWORK_PLOT]  # no seed event is within one country
    assert "No plots yet" not in card


def test_plots_are_byte_identical_for_the_same_tables() -> None:
    tables = _tables(["Nicolás Maduro", "Vladimir Putin"])
    first, second = release_plots(tables), release_plots(tables)
    assert [p.png for p in first] == [p.png for p in second]
    assert all(b"matplotlib" not in p.png for p in first)  # no version tag in the bytes


def test_hostile_entity_names_are_drawn_as_text() -> None:
    import matplotlib

    tables = _tables(HOSTILE_NAMES)
    with matplotlib.rc_context({"text.parse_math": True}), pytest.raises(ValueError):
        plot_top_entities(tables["entities"])  # what parsing `$...$` as TeX would do
    plots = release_plots(tables)
    entities = next(p for p in plots if p.name == ENTITIES_PLOT)
    assert entities.png.startswith(PNG)
    assert "$\\frac{1}{$" in entities.alt and "x" * 39 + "…" in entities.alt


def test_articles_per_month_or_per_year() -> None:
    monthly = _articles([(dt.date(2017, 11, 3), "day"), (dt.date(2018, 2, 1), "month"),
                         (None, "unknown")])
    counts, unit, year_only, undated = article_periods(monthly)
    assert (dict(counts), unit, year_only, undated) == ({"2017-11": 1, "2018-02": 1}, "month",
                                                        0, 1)
    assert every_period(counts, unit) == ["2017-11", "2017-12", "2018-01", "2018-02"]
    # half the dates are known to the year only: per year, so every dated article shows
    mixed = _articles([(dt.date(2017, 7, 11), "day"), (dt.date(2018, 1, 1), "year")])
    assert article_periods(mixed)[:3] == ({"2017": 1, "2018": 1}, "year", 0)
    # a long span: per year
    long = _articles([(dt.date(2001, 1, 5), "day"), (dt.date(2019, 3, 2), "day")])
    counts, unit, *_ = article_periods(long)
    assert unit == "year" and len(every_period(counts, unit)) == 19


@pytest.mark.parametrize("rows", [0, 1])
def test_empty_tables_still_draw(rows: int) -> None:
    tables = _tables(["A"][:rows])
    tables["dyads"] = tables["dyads"].slice(0, 0)
    tables["articles"] = tables["articles"].slice(0, rows)
    assert all(p.png.startswith(PNG) for p in release_plots(tables))


def test_country_edges_keep_direction_and_set_aside_events_within_a_country() -> None:
    edges, within = country_edges(_tables([])["dyads"])
    assert edges == {("RU", "VE", False): 3, ("RU", "VE", True): 2, ("VE", "RU", False): 4}
    assert within == 1
