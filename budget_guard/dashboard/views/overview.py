"""The overview: level tiles, one card per guardrail group, the load summary line."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.palette import FILL, NOT_COMPARED, TEXT
from budget_guard.dashboard.views.common import WORST_FIRST, level_text
from budget_guard.engine import states
from budget_guard.engine.compare import CATEGORY, GROUP
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import MESSAGE_EN, MESSAGE_ZH
from budget_guard.engine.grade import EMPTY_CATEGORY, LEVEL, REASON
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.rulebook import LEVEL_ORDER, Level
from budget_guard.outputs.escape import html_text


@dataclass(frozen=True)
class GroupHeadline:
    """One guardrail group at a glance: its worst level, counts per level and its worst findings."""

    group: str
    name: str
    direction: str
    worst: str
    counts: dict[str, int]
    text: str
    top: list[str] = field(default_factory=list)


def _graded_levels(evaluation: Evaluation) -> pd.DataFrame:
    """Level per graded row, including empty-category findings (which are not in the summary)."""
    summary = evaluation.summary.loc[evaluation.summary[LEVEL].notna(), [GROUP, CATEGORY, LEVEL]]
    findings = evaluation.findings
    empty = findings.loc[findings[REASON] == EMPTY_CATEGORY, [GROUP, CATEGORY, LEVEL]]
    return pd.concat([summary, empty], ignore_index=True)


def group_headlines(evaluation: Evaluation, lang: str, top: int = 3) -> list[GroupHeadline]:
    graded = _graded_levels(evaluation)
    message_col = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    out = []
    for group in evaluation.rules.groups:
        levels = graded.loc[graded[GROUP] == group.id, LEVEL]
        counts = {lv.value: int((levels == lv.value).sum()) for lv in LEVEL_ORDER}
        worst = next((lv for lv in WORST_FIRST if counts[lv]), Level.compliant.value)
        found = evaluation.findings.loc[evaluation.findings[GROUP] == group.id]
        if worst == Level.compliant.value:
            text = msg.t("app.headline.ok", lang, compared=len(levels))
        else:
            text = msg.t(
                "app.headline.found",
                lang,
                red=counts[Level.red.value],
                yellow=counts[Level.yellow.value],
                white=counts[Level.white.value],
                compared=len(levels),
            )
        out.append(
            GroupHeadline(
                group=group.id,
                name=group.name.get(lang),
                direction=msg.t(f"direction.{group.direction.value}", lang),
                worst=worst,
                counts=counts,
                text=text,
                top=[str(m) for m in found[message_col].head(top)],
            )
        )
    return out


def level_tiles_html(counts: dict[str, int], lang: str) -> str:
    """Four tiles, worst first, in the 督办单 colours: the first thing an analyst reads."""
    tiles = []
    for level in WORST_FIRST:
        tiles.append(
            f'<div class="bg-tile" style="background:{FILL[level]};color:{TEXT[level]};">'
            f'<div class="bg-count">{counts.get(level, 0)}</div>'
            f'<div class="bg-label">{html_text(level_text(level, lang))}</div></div>'
        )
    return (
        "<style>.bg-tiles{display:flex;flex-wrap:wrap;gap:10px;margin:2px 0 6px 0}"
        ".bg-tile{flex:1 1 0;min-width:104px;border:1px solid #BFBFBF;border-radius:8px;padding:4px 12px;"
        "display:flex;align-items:baseline;gap:10px}"
        ".bg-count{font-size:1.6rem;font-weight:700;line-height:1.2}"
        ".bg-label{font-size:0.9rem;line-height:1.2;white-space:nowrap}"
        # four in a row down to 1024 px (a smaller label), two by two on a phone: a label never wraps
        "@media (max-width:1180px){.bg-tile{padding:4px 8px;gap:6px}.bg-label{font-size:.8rem}}"
        "@media (max-width:640px){.bg-tile{flex-basis:40%}.bg-label{font-size:.9rem}}</style>"
        f'<div class="bg-tiles">{"".join(tiles)}</div>'
        f'<div style="font-size:0.8rem;color:#595959;margin:-2px 0 6px 0">{html_text(msg.t("counts.tiles_note", lang))}</div>'
    )


def legend_html(lang: str) -> str:
    """The level colours as small chips, one legend for every heatmap on the page."""
    chips = "".join(
        f'<span style="display:inline-block;margin-right:14px"><span style="display:inline-block;width:14px;'
        f"height:14px;vertical-align:-2px;margin-right:5px;background:{FILL[level]};border:1px solid #BFBFBF;"
        f'border-radius:3px"></span>{html_text(level_text(level, lang))}</span>'
        for level in (*WORST_FIRST, states.NOT_COMPARABLE, NOT_COMPARED)
    )
    return f'<div style="font-size:0.9rem;margin:2px 0 10px 0">{chips}</div>'


def headline_html(headline: GroupHeadline, lang: str) -> str:
    """A guardrail group's card: name, direction, worst level badge, counts, worst findings."""
    level = headline.worst
    items = "".join(f"<li>{html_text(m)}</li>" for m in headline.top)
    return (
        f'<div style="border:1px solid #BFBFBF;border-left:8px solid {TEXT[level]};border-radius:8px;'
        f'padding:10px 14px;margin-bottom:10px;background:{FILL[level]}33;height:100%">'
        '<div style="display:flex;flex-wrap:wrap;align-items:center;gap:6px;justify-content:space-between">'
        f'<div style="font-size:1.15rem;font-weight:700">{html_text(headline.name)}'
        f'<span style="font-weight:400;color:#595959">{html_text(msg.t("app.paren", lang, text=headline.direction))}</span></div>'
        f'<span style="background:{FILL[level]};color:{TEXT[level]};border:1px solid #BFBFBF;white-space:nowrap;'
        f'border-radius:6px;padding:1px 8px;font-size:0.95rem">{html_text(level_text(level, lang))}</span></div>'
        f'<div style="margin-top:4px">{html_text(headline.text)}</div>'
        f'<ul style="margin:6px 0 0 0;padding-left:1.2em;font-size:0.9rem">{items}</ul></div>'
    )


SEVERITY_COLOURS = {
    "error": ("#FFC7CE", "#9C0006"),
    "warning": ("#FFEB9C", "#9C5700"),
    "notice": ("#F2F2F2", "#404040"),
}


def problems_card_html(counts: dict[str, int], top: list[str], lang: str) -> str:
    """The data-problems card beside the guardrail cards: counts by severity and the worst few."""
    worst = next((s for s in ("error", "warning") if counts.get(s)), "notice")
    fill, ink = SEVERITY_COLOURS[worst]
    if not sum(counts.values()):
        body = f'<div style="margin-top:4px">{html_text(msg.t("app.problems.card_none", lang))}</div>'
    else:
        chips = "".join(
            f'<span style="background:{SEVERITY_COLOURS[s][0]};color:{SEVERITY_COLOURS[s][1]};border:1px solid #BFBFBF;'
            f'border-radius:6px;padding:1px 8px;margin-right:6px;white-space:nowrap">'
            f"{html_text(msg.value('app.severity', s, lang))} {counts.get(s, 0)}</span>"
            for s in ("error", "warning", "notice")
        )
        items = "".join(f"<li>{html_text(line)}</li>" for line in top)
        body = (
            f'<div style="margin-top:6px">{chips}</div>'
            f'<ul style="margin:6px 0 0 0;padding-left:1.2em;font-size:0.9rem">{items}</ul>'
            f'<div style="font-size:0.85rem;color:#595959;margin-top:4px">{html_text(msg.t("app.problems.card_more", lang))}</div>'
        )
    return (
        f'<div class="bg-problems" style="border:1px solid #BFBFBF;border-left:8px solid {ink};border-radius:8px;'
        f'padding:10px 14px;margin-bottom:10px;background:{fill}33;height:100%">'
        f'<div style="font-size:1.15rem;font-weight:700">{html_text(msg.t("app.problems.card", lang))}</div>'
        f"{body}</div>"
    )


def load_summary_text(load: LoadResult, lang: str) -> str:
    totals = load.totals()
    return msg.t(
        "app.load.summary",
        lang,
        files=totals["files"],
        failed=totals["files_failed"],
        sheets=totals["sheets"],
        rows_read=totals["rows_read"],
        data_rows=totals["data_rows"],
        subtotal_rows=totals["subtotal_rows"],
        rejected_rows=totals["rejected_rows"],
        lines=len(load.table),
        problems=len(load.problems),
    )
