"""The dataset card's plots as PNG: articles over time, most mentioned entities, and the
network of events between countries. Pure functions of the tables, byte-identical on rebuild.

matplotlib is driven through its object API (no pyplot global state) with the Agg canvas, the
PNG written without a Software tag, and math parsing off: text from articles (entity names
with `$`) is drawn as written, never parsed as TeX.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

ARTICLES_PLOT = "plot_articles_over_time.png"
ENTITIES_PLOT = "plot_top_entities.png"
NETWORK_PLOT = "plot_country_network.png"
TOP_ENTITIES = 15
TOP_COUNTRIES = 20
LABEL_CHARS = 40
MONTHLY_SPAN = 36  # months: wider spans are drawn per year
MONTHLY_SHARE = 0.9  # below this share of dates known to the month, draw per year
MIN_SLOTS = 8  # a plot of one or two periods keeps bars of a normal width
DPI = 100
RC = {
    "text.parse_math": False,  # an entity name with `$` is text, not TeX
    "font.family": "DejaVu Sans",  # ships with matplotlib: always there, no font fallback
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BAR_COLOUR = "#3b6ea8"
NOTE_COLOUR = "#555555"


@dataclass(frozen=True, slots=True)
class Plot:
    """One plot of the card: file name, alt text (what it shows, in words) and PNG bytes."""

    name: str
    title: str
    alt: str
    png: bytes


def short_label(text: str) -> str:
    """One line, at most LABEL_CHARS characters."""
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= LABEL_CHARS else one_line[: LABEL_CHARS - 1] + "…"


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 article`, `2 articles`."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def new_figure(width: float, height: float) -> Any:
    """A figure on the Agg canvas, outside pyplot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Any) -> bytes:
    """The figure as PNG, with no metadata that varies between machines or versions."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # Glyphs missing from DejaVu (CJK names) are drawn as boxes, not an error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def note(axes: Any, text: str) -> None:
    """A grey note under the plot (what is left out and why)."""
    axes.annotate(text, xy=(0, 0), xycoords="figure fraction", xytext=(6, 4),
                  textcoords="offset points", fontsize=8, color=NOTE_COLOUR)


def empty(axes: Any, text: str) -> None:
    """An empty plot that says why."""
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", color=NOTE_COLOUR,
              transform=axes.transAxes)


# ---------------------------------------------------------------- articles over time


def article_periods(articles: pa.Table) -> tuple[Counter[str], str, int, int]:
    """Articles per period (`YYYY-MM` or `YYYY`), the period unit, and how many were left out
    (dated to the year only, in a monthly plot) or undated."""
    rows = articles.select(["published_date", "published_date_precision"]).to_pylist()
    dated = [(r["published_date"], r["published_date_precision"]) for r in rows
             if r["published_date"] is not None and r["published_date_precision"] != "unknown"]
    monthly = [d for d, p in dated if p in ("day", "month")]
    span = (max(monthly).year * 12 + max(monthly).month - min(monthly).year * 12
            - min(monthly).month) if monthly else MONTHLY_SPAN + 1
    if monthly and span <= MONTHLY_SPAN and len(monthly) >= MONTHLY_SHARE * len(dated):
        counts = Counter(f"{d.year:04d}-{d.month:02d}" for d in monthly)
        return counts, "month", len(dated) - len(monthly), len(rows) - len(dated)
    counts = Counter(f"{d.year:04d}" for d, _ in dated)
    return counts, "year", 0, len(rows) - len(dated)


def every_period(counts: Counter[str], unit: str) -> list[str]:
    """Every period from the first to the last, empty ones included."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if unit == "year":
        return [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    start = dt.date(int(first[:4]), int(first[5:]), 1)
    months = (int(last[:4]) - start.year) * 12 + int(last[5:]) - start.month
    return [f"{start.year + (start.month - 1 + i) // 12:04d}-{(start.month - 1 + i) % 12 + 1:02d}"
            for i in range(months + 1)]


def plot_articles_over_time(articles: pa.Table) -> Plot:
    """Bars of articles per month (per year over long spans)."""
    counts, unit, year_only, undated = article_periods(articles)
    periods = every_period(counts, unit)
    figure = new_figure(7, 3.2)
    axes = figure.add_subplot()
    if periods:
        positions = range(len(periods))
        axes.bar(positions, [counts.get(p, 0) for p in periods], color=BAR_COLOUR)
        step = max(1, math.ceil(len(periods) / 12))
        axes.set_xticks(list(positions)[::step], periods[::step],
                        rotation=45 if unit == "month" else 0, ha="right" if unit == "month"
                        else "center")
        pad = max(0.0, (MIN_SLOTS - len(periods)) / 2)
        axes.set_xlim(-0.5 - pad, len(periods) - 0.5 + pad)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel("articles")
    else:
        empty(axes, "no dated articles")
    axes.set_title(f"Articles per {unit} of publication")
    left_out = [f"{plural(year_only, 'article')} dated to the year only"] if year_only else []
    left_out += [f"{plural(undated, 'article')} without a date"] if undated else []
    if left_out:
        note(axes, "Not shown: " + ", ".join(left_out) + ".")
    shown = sum(counts.values())
    alt = (f"Bar chart of {plural(shown, 'article')} per {unit}"
           + (f" from {periods[0]} to {periods[-1]}" if periods else "")
           + (f"; not shown: {', '.join(left_out)}" if left_out else "") + ".")
    return Plot(ARTICLES_PLOT, f"Articles per {unit}", alt, png_bytes(figure))


# ---------------------------------------------------------------- top entities


def top_entities(entities: pa.Table, limit: int = TOP_ENTITIES) -> list[dict[str, Any]]:
    """The most mentioned entities, ties by name: the card's table and plot use the same."""
    # Sorted in Arrow (a stable sort; UTF-8 byte order is code point order, as in Python):
    # only the rows shown become Python values, not one dict per entity of the dataset.
    order = pc.sort_indices(entities, sort_keys=[("mention_count", "descending"),
                                                 ("name", "ascending")])
    columns = entities.select(["name", "entity_type", "mention_count", "article_count"])
    return columns.take(order[:limit]).to_pylist()


def plot_top_entities(entities: pa.Table) -> Plot:
    """Horizontal bars of mentions for the most mentioned entities."""
    rows = top_entities(entities)
    figure = new_figure(7, 0.6 + 0.32 * max(len(rows), 3))
    axes = figure.add_subplot()
    if rows:
        labels = [f"{short_label(r['name'])} ({r['entity_type']})" for r in rows]
        positions = range(len(rows))
        axes.barh(positions, [r["mention_count"] for r in rows], color=BAR_COLOUR)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_xlabel("mentions")
    else:
        empty(axes, "no entities")
    axes.set_title(f"Most mentioned entities (top {len(rows)})")
    alt = (f"Bar chart of mentions of the {len(rows)} most mentioned entities; "
           + ", ".join(f"{short_label(r['name'])}: {r['mention_count']}" for r in rows[:5])
           + ("…" if len(rows) > 5 else "") + ".") if rows else "No entities."
    return Plot(ENTITIES_PLOT, "Most mentioned entities", alt, png_bytes(figure))


# ---------------------------------------------------------------- country network


def country_edges(dyads: pa.Table) -> tuple[dict[tuple[str, str, bool], int], int]:
    """Events per (source, target, symmetric) pair of distinct countries, and events within
    one country (not drawn)."""
    edges: Counter[tuple[str, str, bool]] = Counter()
    within = 0
    for row in dyads.select(["source_country", "target_country", "symmetric",
                             "event_count"]).to_pylist():
        if row["source_country"] == row["target_country"]:
            within += row["event_count"]
        else:
            edges[(row["source_country"], row["target_country"], row["symmetric"])] += (
                row["event_count"])
    return dict(sorted(edges.items())), within


def circle_layout(nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Nodes evenly on a circle, the first at the top, clockwise."""
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    step = 2 * math.pi / len(nodes)
    return {n: (math.sin(i * step), math.cos(i * step)) for i, n in enumerate(nodes)}


def plot_country_network(dyads: pa.Table) -> Plot:
    """Countries on a circle; an arrow per direction of directed events, a plain line for
    reciprocal ones, its width and label the number of events."""
    from matplotlib.patches import FancyArrowPatch

    edges, within = country_edges(dyads)
    degree: Counter[str] = Counter()
    for (source, target, _), count in edges.items():
        degree[source] += count
        degree[target] += count
    nodes = sorted(sorted(degree), key=lambda c: -degree[c])[:TOP_COUNTRIES]
    kept = {k: v for k, v in edges.items() if k[0] in nodes and k[1] in nodes}
    figure = new_figure(6, 6)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_aspect("equal")
    axes.set_title("Events between countries (dyads)")
    if not kept:
        empty(axes, "no events between two countries")
    else:
        where = circle_layout(sorted(nodes))
        heaviest = max(kept.values())
        for (source, target, symmetric), count in kept.items():
            arrow = FancyArrowPatch(
                where[source], where[target], arrowstyle="-" if symmetric else "-|>",
                mutation_scale=14, shrinkA=18, shrinkB=18, color=BAR_COLOUR, alpha=0.8,
                linewidth=1 + 5 * count / heaviest,
                connectionstyle="arc3,rad=0" if symmetric else "arc3,rad=0.18")
            axes.add_patch(arrow)
            (x1, y1), (x2, y2) = where[source], where[target]
            bend = 0 if symmetric else 0.09  # the label sits on the arc, beside its twin
            axes.text((x1 + x2) / 2 + bend * (y2 - y1), (y1 + y2) / 2 - bend * (x2 - x1),
                      str(count), ha="center", va="center", fontsize=9,
                      bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
        for code, (x, y) in where.items():
            axes.scatter([x], [y], s=900, color="#e8eef6", edgecolors=BAR_COLOUR, zorder=3)
            axes.text(x, y, code, ha="center", va="center", fontsize=11, weight="bold",
                      zorder=4)
        axes.set_xlim(-1.35, 1.35)
        axes.set_ylim(-1.35, 1.35)
    left_out = [f"{plural(within, 'event')} within one country"] if within else []
    if len(degree) > len(nodes):
        left_out.append(f"{plural(len(degree) - len(nodes), 'country', 'countries')} beyond "
                        f"the top {TOP_COUNTRIES}")
    if left_out:
        note(axes, "Not shown: " + ", ".join(left_out) + ".")
    alt = ("Network of events between countries: "
           + ("; ".join(f"{s} {'and' if sym else 'to'} {t}: {c}"
                        for (s, t, sym), c in kept.items()) or "none")
           + (f". Not shown: {', '.join(left_out)}" if left_out else "") + ".")
    return Plot(NETWORK_PLOT, "Events between countries", alt, png_bytes(figure))


# ---------------------------------------------------------------- all of them


def release_plots(tables: dict[str, pa.Table]) -> list[Plot]:
    """Every plot of the card, in the order the card shows them."""
    import matplotlib

    with matplotlib.rc_context(RC):
        return [
            plot_articles_over_time(tables["articles"]),
            plot_top_entities(tables["entities"]),
            plot_country_network(tables["dyads"]),
        ]


def write_plots(plots: list[Plot], folder: Path) -> None:
    """Write each plot's PNG into the release folder."""
    for plot in plots:
        (folder / plot.name).write_bytes(plot.png)
