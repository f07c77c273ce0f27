"""Altair specs: the compliance heatmap and the year-over-year trend with the target drawn in.

Fills are the 督办单's level colours; every cell and point also carries the level as text, so the
answer does not depend on telling colours apart.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.palette import BORDER, FILL, LEVELS_WITH_NONE, TARGET, TEXT
from budget_guard.dashboard.views.common import (
    AMOUNT_WAN,
    CATEGORY_NAME,
    LEVEL_LABEL,
    MESSAGE,
    ORDER,
    PREV_AMOUNT_WAN,
    RATE_TEXT,
    TARGET_TEXT,
    TARGET_WAN,
    TEXT_MAIN,
    TEXT_SUB,
    WHERE,
    level_text,
    money_label,
)
from budget_guard.dashboard.views.trend import (
    ALONE,
    FROM,
    LEFT_OUT,
    PAIR,
    ROLE,
    SERIES_LABEL,
    TO,
    TOTAL,
    Y_WAN,
    plotted,
)
from budget_guard.engine.compare import CATEGORY, CHANGE_RATE
from budget_guard.engine.findings import FINDING_LEVELS
from budget_guard.engine.grade import LEVEL
from budget_guard.model.table import YEAR

ROW_HEIGHT = 54
LABEL_WIDTH = {"zh": 130, "en": 185}  # px of category labels, the same in every heatmap
CELL_TEXT_LIMIT = 150  # px of a cell's second line (the scope's name); the tooltip has it in full
CELL_SELECTION = "cell"  # the click selection of a matrix cell (fields: category id, year)
FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
TREND_HEIGHT = 230
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _level_scale(lang: str, attribute: dict[str, str]) -> alt.Scale:
    return alt.Scale(
        domain=[level_text(level, lang) for level in LEVELS_WITH_NONE],
        range=[attribute[level] for level in LEVELS_WITH_NONE],
    )


def _t(key: str, lang: str) -> str:
    return msg.t(key, lang)


def matrix_chart(
    cells: pd.DataFrame, lang: str, categories: list[str] | None = None, years: list[int] | None = None
) -> alt.LayerChart:
    """Category × year heatmap for one scope: fill = level, text = change rate and level.

    The legend is left to the page (one for all groups); the category labels get a fixed width so
    that the heatmaps of the two guardrail groups line up year by year.
    """
    if categories is None:
        categories = list(dict.fromkeys(cells.sort_values(ORDER)[CATEGORY_NAME]))
    if years is None:
        years = sorted({int(y) for y in cells[YEAR]})
    base = alt.Chart().encode(
        x=alt.X(
            f"{YEAR}:O",
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=13, ticks=False, domain=False),
        ),
        y=alt.Y(
            f"{CATEGORY_NAME}:N",
            sort=categories,
            title=None,
            axis=alt.Axis(
                labelFontSize=13,
                labelLimit=LABEL_WIDTH.get(lang, 130),
                ticks=False,
                domain=False,
                labelPadding=8,
                minExtent=LABEL_WIDTH.get(lang, 130),
                maxExtent=LABEL_WIDTH.get(lang, 130),
            ),
        ),
    )
    tooltip = [
        alt.Tooltip(f"{CATEGORY_NAME}:N", title=_t("col.category", lang)),
        alt.Tooltip(f"{YEAR}:O", title=_t("col.year", lang)),
        alt.Tooltip(f"{LEVEL_LABEL}:N", title=_t("col.level", lang)),
        alt.Tooltip(f"{RATE_TEXT}:N", title=_t("col.change_rate", lang)),
        alt.Tooltip(f"{PREV_AMOUNT_WAN}:Q", title=money_label("col.prev_amount", lang), format=",.2f"),
        alt.Tooltip(f"{AMOUNT_WAN}:Q", title=money_label("col.amount", lang), format=",.2f"),
        alt.Tooltip(f"{TARGET_TEXT}:N", title=_t("col.target", lang)),
        alt.Tooltip(f"{MESSAGE}:N", title=_t("col.message", lang)),
    ]
    if WHERE in cells.columns:  # all scopes: where the findings are instead of one scope's amounts
        tooltip[3:6] = [alt.Tooltip(f"{WHERE}:N", title=_t("col.scope", lang))]
    clicked = alt.selection_point(name=CELL_SELECTION, fields=[CATEGORY, YEAR], on="click", empty=False)
    rect = (
        base.mark_rect(stroke=BORDER, strokeWidth=1, cornerRadius=4, cursor="pointer")
        .encode(
            color=alt.Color(f"{LEVEL_LABEL}:N", scale=_level_scale(lang, FILL), legend=None),
            strokeWidth=alt.condition(clicked, alt.value(3), alt.value(1)),
            tooltip=tooltip,
        )
        .add_params(clicked)
    )
    text_color = alt.Color(f"{LEVEL_LABEL}:N", scale=_level_scale(lang, TEXT), legend=None)
    columns = max(len(years or []), 1)
    cell = f"(width / {columns})"  # px of one cell: texts fit inside it at any page width
    main = base.mark_text(
        dy=-8, fontWeight="bold", font=FONT, fontSize=alt.ExprRef(f"{cell} < 118 ? 12 : 14")
    ).encode(text=f"{TEXT_MAIN}:N", color=text_color, tooltip=tooltip)
    sub = base.mark_text(
        dy=10, fontSize=11, font=FONT, limit=alt.ExprRef(f"min({CELL_TEXT_LIMIT}, {cell} - 10)")
    ).encode(text=f"{TEXT_SUB}:N", color=text_color, tooltip=tooltip)
    return (
        alt.layer(rect, main, sub, data=cells)
        .resolve_scale(color="independent")
        .properties(
            height=ROW_HEIGHT * max(len(categories), 1),
            width="container",
            autosize=FIT_X,
            description=msg.t("app.chart.matrix", lang),
        )
        .configure(aria=False)  # Vega's own ARIA texts are English field lists ("year: 2024; …")
        .configure_view(stroke=None)
        .configure_axis(labelFont=FONT)
    )


def trend_chart(points: pd.DataFrame, title: str, lang: str) -> alt.LayerChart:
    """One category's chart from its ``trend_points`` records (万元): the graded pairs, the totals, the target.

    Each graded year is a solid segment from the previous year's comparable amount (hollow dot) to
    this year's (filled dot in the level's colour), labelled with the rate between exactly these
    two, so a rise is never labelled as a cut. The all-department totals are a grey dashed line of
    their own. The short black bar in each graded year is the amount that would just have met the
    target; a dashed red line joins it to the amount wherever the year is a finding.
    """
    return _trend_chart(plotted(points, lang), title, lang)


def _trend_chart(marks: pd.DataFrame, title: str, lang: str) -> alt.LayerChart:
    unit = msg.t("unit.wan", lang)
    x = alt.X(f"{YEAR}:O", title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12))
    base = alt.Chart().encode(x=x)
    tooltip = [
        alt.Tooltip(f"{SERIES_LABEL}:N", title=msg.t("app.trend.col.basis", lang)),
        alt.Tooltip(f"{YEAR}:O", title=_t("col.year", lang)),
        alt.Tooltip(f"{Y_WAN}:Q", title=money_label("col.amount", lang), format=",.2f"),
        alt.Tooltip(f"{RATE_TEXT}:N", title=_t("col.change_rate", lang)),
        alt.Tooltip(f"{LEVEL_LABEL}:N", title=_t("col.level", lang)),
        alt.Tooltip(f"{TARGET_WAN}:Q", title=msg.t("app.trend.target_amount", lang), format=",.2f"),
        alt.Tooltip(f"{TARGET_TEXT}:N", title=_t("col.target", lang)),
        alt.Tooltip(f"{LEFT_OUT}:N", title=msg.t("app.trend.col.left_out", lang)),
    ]
    y = alt.Y(
        f"{Y_WAN}:Q",
        title=unit,
        scale=alt.Scale(zero=False, nice=True, padding=26),
        axis=alt.Axis(format=",.2~f", tickCount=5),
    )
    role = f"datum.{ROLE}"
    totals = base.transform_filter(f"{role} == '{TOTAL}'")
    total_line = totals.mark_line(color="#A6A6A6", strokeWidth=1.5, strokeDash=[5, 4]).encode(y=y)
    total_dots = totals.mark_point(filled=True, size=40, color="#A6A6A6").encode(y=y, tooltip=tooltip)
    pairs = base.transform_filter(f"{role} == '{FROM}' || {role} == '{TO}'")
    segments = pairs.mark_line(color="#595959", strokeWidth=2.5).encode(y=y, detail=f"{PAIR}:N")
    starts = (
        base.transform_filter(f"{role} == '{FROM}'")
        .mark_point(filled=True, size=90, color="white", stroke="#595959", strokeWidth=2, opacity=1)
        .encode(y=y, tooltip=tooltip)
    )
    ends = base.transform_filter(f"{role} == '{TO}' || {role} == '{ALONE}'")
    dots = ends.mark_point(filled=True, size=190, stroke="#595959", strokeWidth=1, opacity=1).encode(
        y=y,
        color=alt.Color(f"{LEVEL_LABEL}:N", scale=_level_scale(lang, FILL), legend=None),
        tooltip=tooltip,
    )
    graded = base.transform_filter(f"{role} == '{TO}'")
    missed = graded.transform_filter(alt.FieldOneOfPredicate(field=LEVEL, oneOf=list(FINDING_LEVELS)))
    gap = missed.mark_rule(color=TEXT["red"], strokeDash=[4, 3], strokeWidth=2).encode(
        y=alt.Y(f"{TARGET_WAN}:Q"), y2=alt.Y2(f"{Y_WAN}:Q")
    )
    target = graded.mark_tick(color=TARGET, thickness=3, size=30).encode(
        y=alt.Y(f"{TARGET_WAN}:Q"), tooltip=tooltip
    )
    # the change rate goes on the side of the dot away from the target bar, so the two never overlap
    rated = graded.transform_filter(f"isValid(datum.{CHANGE_RATE})")
    below = f"isValid(datum.{TARGET_WAN}) && datum.{TARGET_WAN} > datum.{Y_WAN}"
    label_encoding = {
        "y": y,
        "text": f"{RATE_TEXT}:N",
        "color": alt.Color(f"{LEVEL_LABEL}:N", scale=_level_scale(lang, TEXT), legend=None),
    }
    above_labels = (
        rated.transform_filter(f"!({below})")
        .mark_text(dy=-17, fontSize=12, fontWeight="bold", font=FONT)
        .encode(**label_encoding)
    )
    below_labels = (
        rated.transform_filter(below)
        .mark_text(dy=19, fontSize=12, fontWeight="bold", font=FONT)
        .encode(**label_encoding)
    )
    layers = (total_line, total_dots, segments, gap, target, starts, dots, above_labels, below_labels)
    return (
        alt.layer(*layers, data=marks)
        .resolve_scale(color="independent")
        .properties(
            title=alt.Title(title, anchor="start", fontSize=14, font=FONT),
            height=TREND_HEIGHT,
            width="container",
            autosize=FIT_X,
        )
        .configure(aria=False)
        .configure_view(stroke=None)
        .configure_axis(labelFont=FONT, titleFont=FONT)
    )


def matrix_spec(cells: pd.DataFrame, lang: str) -> dict:
    """``matrix_chart`` as a Vega-Lite dict for ``st.vega_lite_chart``, built in milliseconds (see ``_filled``)."""
    categories = tuple(dict.fromkeys(cells.sort_values(ORDER)[CATEGORY_NAME]))
    years = tuple(sorted({int(y) for y in cells[YEAR]}))
    key = ("matrix", lang, categories, years, WHERE in cells.columns)
    return _filled(
        key, lambda: matrix_chart(cells.iloc[:0], lang, categories=list(categories), years=list(years)), cells
    )


def trend_spec(points: pd.DataFrame, title: str, lang: str) -> dict:
    """``trend_chart`` as a Vega-Lite dict for ``st.vega_lite_chart``, built in milliseconds."""
    marks = plotted(points, lang)
    spec = _filled(("trend", lang), lambda: _trend_chart(marks.iloc[:0], "", lang), marks)
    # The page writes the title above the chart (app.py): Vega would also read a chart title out as
    # "Title text '…'", in English, whatever the title's own aria setting. The description is what a
    # screen reader says for the chart (its marks are silent).
    spec.pop("title", None)
    spec["description"] = title
    return spec


_TEMPLATES: dict[tuple, str] = {}


def _filled(key: tuple, build, frame: pd.DataFrame) -> dict:
    """A chart's spec with ``frame`` as its data.

    Building an Altair chart costs ~0.2 s (deep copies and JSON-schema validation), which would
    make every rerun of a tab with eight charts slow. The spec does not depend on the data, so it
    is built (and validated) once per shape and language, and each rerun only swaps the values in.
    """
    if key not in _TEMPLATES:
        _TEMPLATES[key] = json.dumps(build().to_dict())
    spec = json.loads(_TEMPLATES[key])
    spec.pop("datasets", None)
    spec["data"] = {"values": json.loads(frame.to_json(orient="records", force_ascii=False))}
    return spec


__all__ = ["CELL_SELECTION", "matrix_chart", "matrix_spec", "trend_chart", "trend_spec"]
