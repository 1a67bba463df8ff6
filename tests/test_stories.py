"""Stories (one id per real-world event across articles) and country dyads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsfacts.extract.stories import assign_stories, count_dyads, dates_compatible
from newsfacts.records import Event


def event(event_id: str, article_id: str = "a1", *, kind: str = "CONSULT", mode: str = "visit",
          actors1: tuple[str, ...] = ("eMaduro",), actors2: tuple[str, ...] = ("ePutin",),
          countries1: tuple[str, ...] = ("VE",), countries2: tuple[str, ...] = ("RU",),
          date: dt.date | None = None, precision: str = "unknown", symmetric: bool = False,
          negated: bool = False) -> Event:
    return Event(
        event_id=event_id, article_id=article_id, story_id="", event_type=kind, cameo_code="042",
        goldstein=1.9, cameo_reverse_code="043", goldstein_reverse=2.8, quad_class=1, mode=mode,
        status="happened", negated=negated, symmetric=symmetric, actor1_entity_ids=actors1,
        actor1_countries=countries1, actor1_sectors=(), actor1_text=None, actor2_entity_ids=actors2,
        actor2_countries=countries2, actor2_sectors=(), actor2_text=None, event_date=date,
        event_date_precision=precision, date_text=None, date_start=None, date_end=None,
        location_entity_id=None, topics=(), trigger="met", trigger_start=0, trigger_end=3,
        sentence_index=0, sentence="x", sentence_start=0, sentence_end=1, confidence=0.5)


def test_the_same_visit_in_two_articles_is_one_story() -> None:
    first = event("v1", "a1", date=dt.date(2018, 12, 4), precision="day")
    second = event("v2", "a2", actors1=("ePutin",), actors2=("eMaduro",),
                   date=dt.date(2018, 12, 1), precision="month")
    stories = {e.event_id: e.story_id for e in assign_stories([first, second])}
    assert stories["v1"] == stories["v2"] and stories["v1"].startswith("s")


@pytest.mark.parametrize(("other", "why"), [
    (event("v2", "a2", date=dt.date(2017, 1, 1), precision="year"), "another year"),
    (event("v2", "a2", mode="phone", date=dt.date(2018, 12, 4), precision="day"), "a phone call"),
    (event("v2", "a2", kind="AGREE", date=dt.date(2018, 12, 4), precision="day"), "another type"),
    (event("v2", "a2", date=None), "undated, in another article"),
])
def test_different_events_between_the_same_men_stay_apart(other: Event, why: str) -> None:
    visit = event("v1", "a1", date=dt.date(2018, 12, 4), precision="day")
    first, second = assign_stories([visit, other])
    assert first.story_id != second.story_id, why


def test_story_ids_do_not_depend_on_input_order() -> None:
    events = [event(f"v{i}", f"a{i}", date=dt.date(2018, 12, 4), precision="day")
              for i in range(3)]
    forward = {e.event_id: e.story_id for e in assign_stories(events)}
    backward = {e.event_id: e.story_id for e in assign_stories(events[::-1])}
    assert forward == backward


def test_dates_compatible_at_the_coarser_precision() -> None:
    day = event("v1", date=dt.date(2017, 7, 10), precision="day")
    assert dates_compatible(day, event("v2", date=dt.date(2017, 1, 1), precision="year"))
    assert dates_compatible(day, event("v2", date=dt.date(2017, 7, 1), precision="month"))
    assert not dates_compatible(day, event("v2", date=dt.date(2017, 7, 11), precision="day"))


def test_dyads_count_directed_and_reciprocal_events() -> None:
    events = assign_stories([
        event("v1", "a1", date=dt.date(2017, 7, 10), precision="day"),
        event("v2", "a2", date=dt.date(2017, 7, 10), precision="day"),
        event("v3", "a2", kind="AGREE", mode=None, symmetric=True,
              actors1=("eMaduro", "eErdogan"), actors2=(), countries1=("TR", "VE"),
              countries2=(), date=dt.date(2018, 12, 3), precision="day"),
        event("v4", "a3", negated=True),
    ])
    dyads = {(d.source_country, d.target_country, d.event_type, d.month): d
             for d in count_dyads(events)}
    visit = dyads[("VE", "RU", "CONSULT", "2017-07")]
    assert (visit.event_count, visit.story_count, visit.article_ids) == (2, 1, ("a1", "a2"))
    assert dyads[("TR", "VE", "AGREE", "2018-12")].symmetric
    assert len(dyads) == 2  # the negated event is not counted


def test_the_seeds_three_maduro_putin_events_are_three_stories(seeds_dir: Path) -> None:
    from newsfacts.pipeline import ingest_folder, process_batch
    from newsfacts.tables import batch_to_tables

    tables = batch_to_tables(process_batch(ingest_folder(seeds_dir)))
    dated = {}
    for row in tables["events"].to_pylist():
        countries = {*row["actor1_countries"], *row["actor2_countries"]}
        if row["event_type"] == "CONSULT" and "RU" in countries and row["event_date"]:
            dated[(row["event_date"], row["event_date_precision"])] = row["story_id"]
    # the 2017 visit ("last year"), the 2017-07-10 phone call, the 2018 trip ("on Tuesday")
    assert {(dt.date(2017, 1, 1), "year"), (dt.date(2017, 7, 10), "day"),
            (dt.date(2018, 1, 1), "year")} <= set(dated)
    assert len(set(dated.values())) == len(dated)
