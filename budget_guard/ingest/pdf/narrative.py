"""The narrative is data too: the 三公 items the 说明 states, checked against the 三公 table of the same PDF.

A statement is read only where the text layer keeps it whole: the item's name, then within the same
clause (no ，；。 between) a number directly followed by 万元 (``因公出国（境）费预算支出 160 万元``,
``公务接待费支出决算为 0.39 万元``). A clause whose number the PDF put elsewhere (``决算为 万元``) states
nothing and is skipped, never guessed. The stage is the clause's own word (预算 / 决算), else the only
stage the table prints. Each item is compared, to the 分, with the table's lines of its economic codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from budget_guard.messages.problems import Problem

# item → (how the narrative names it, the economic codes of its table lines)
ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "因公出国（境）费": (r"因公出国[（(]境[）)]费(?:用)?", ("30212",)),
    "公务用车购置及运行费": (r"公务用车购置及运行(?:维护)?费", ("31013", "30231")),
    "公务接待费": (r"公务接待费", ("30217",)),
}
_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*万元"


@dataclass(frozen=True)
class Statement:
    item: str
    fen: int
    stage: str | None
    page: int
    text: str


def statements(narrative: list[tuple[int, str]]) -> list[Statement]:
    """The first statement of each 三公 item in the narrative (page order)."""
    found: dict[str, Statement] = {}
    for page, text in narrative:
        flat = re.sub(r"\s+", " ", text.replace("\n", ""))
        for item, (name, _) in ITEMS.items():
            if item in found:
                continue
            for match in re.finditer(name + r"(?P<between>[^，；。,;\d%％]{0,12}?)" + _AMOUNT, flat):
                between = match["between"]
                if "比" in between or "增" in between or "减" in between:
                    continue  # a change against last year, not the figure
                stage = "final" if "决算" in between else "budget" if "预算" in between else None
                fen = int(Decimal(match["amount"].replace(",", "")) * 1_000_000)
                found[item] = Statement(item, fen, stage, page, match.group()[:80])
                break
    return list(found.values())


def check_narrative(
    narrative: list[tuple[int, str]], sangong_lines: pd.DataFrame, table_sheet: str, file: str
) -> list[Problem]:
    """Each stated 三公 item against the table: a located warning with both figures when they differ,
    one notice naming the items that agree."""
    if sangong_lines.empty:
        return []
    stages = set(sangong_lines["stage"].dropna().astype(str))
    agreed: list[str] = []
    out: list[Problem] = []
    codes = sangong_lines["econ_code"].astype("object")
    for statement in statements(narrative):
        stage = statement.stage or (next(iter(stages)) if len(stages) == 1 else None)
        if stage is None or stage not in stages:
            continue
        _, item_codes = ITEMS[statement.item]
        rows = sangong_lines[codes.isin(item_codes).to_numpy() & (sangong_lines["stage"] == stage).to_numpy()]
        if rows.empty:
            continue
        table_fen = int(rows["amount_fen"].sum())
        if table_fen == statement.fen:
            agreed.append(statement.item)
            continue
        out.append(
            Problem(
                "narrative-figure-differs",
                file=file,
                sheet=f"第{statement.page}页",
                details={
                    "item": statement.item,
                    "stated": _wan(statement.fen),
                    "table": _wan(table_fen),
                    "table_place": table_sheet,
                    "text": statement.text,
                },
            )
        )
    if agreed:
        out.append(
            Problem(
                "narrative-figures-agree",
                file=file,
                sheet=table_sheet,
                details={"items": "、".join(agreed), "count": len(agreed)},
            )
        )
    return out


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / 1_000_000:,.2f}"
