"""Whether a finding opens a 挂牌督办 case under the rules' ``supervision`` section, and if not, why.

Pure: an evaluation in, one sentence per finding out. A red that never becomes a case (an older
year under ``open_years: latest``, a level not in ``open_levels``) says why in every report and on
the console, e.g. "2024年红色：2025年已达标，不再立案". Whether a case was actually opened also needs
a ledger (``--ledger``); this says what the rules decide.
"""

from __future__ import annotations

import pandas as pd

from budget_guard import messages as msg
from budget_guard.cases.identity import COMPLIANT, GRADED_FINDINGS, cell_states
from budget_guard.engine.compare import CATEGORY, SCOPE, SCOPE_TYPE
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.grade import LEVEL
from budget_guard.model.table import YEAR

Cell = tuple[str, str, str, int]  # scope type, scope, category, year


def case_policy(evaluation: Evaluation, lang: str) -> dict[Cell, str]:
    """Finding cell → "立案" or the reason it opens no case ({} when the rules have no supervision)."""
    supervision = evaluation.rules.supervision
    findings = evaluation.findings
    if supervision is None or findings.empty:
        return {}
    wanted = {lv.value for lv in supervision.open_levels}
    latest = evaluation.latest_year
    summary = evaluation.summary
    states: dict[Cell, str] = {}
    if not summary.empty and latest is not None:
        latest_rows = summary[YEAR] == latest
        cells = summary.loc[latest_rows]
        for record, state in zip(
            cells[[SCOPE_TYPE, SCOPE, CATEGORY]].to_dict("records"), cell_states(cells), strict=True
        ):
            states[(str(record[SCOPE_TYPE]), str(record[SCOPE]), str(record[CATEGORY]), int(latest))] = str(
                state
            )
    out: dict[Cell, str] = {}
    for record in findings[[SCOPE_TYPE, SCOPE, CATEGORY, YEAR, LEVEL]].to_dict("records"):
        if pd.isna(record[YEAR]):
            continue
        year, level = int(record[YEAR]), str(record[LEVEL])
        cell = (str(record[SCOPE_TYPE]), str(record[SCOPE]), str(record[CATEGORY]), year)
        short = _word(level, lang)
        if record[CATEGORY] is None or pd.isna(record[CATEGORY]):  # a department-year sent nothing
            out[cell] = msg.t("case.policy.not_a_cell", lang, year=year, level=short)
        elif level not in wanted:
            out[cell] = msg.t("case.policy.level_not_opened", lang, year=year, level=short)
        elif supervision.open_years == "all" or latest is None or year == latest:
            out[cell] = msg.t("case.policy.opens", lang)
        else:
            now_state = states.get((*cell[:3], int(latest)))
            if now_state == COMPLIANT:
                key = "case.policy.latest_compliant"
            elif now_state in GRADED_FINDINGS:
                key = "case.policy.latest_found"
            else:
                key = "case.policy.latest_ungraded"
            latest_label = _word(now_state or "no_data", lang)
            out[cell] = msg.t(key, lang, year=year, level=short, latest=latest, latest_state=latest_label)
    return out


def _word(state: str, lang: str) -> str:
    key = f"case.policy.state.{state}"
    return msg.t(key, lang) if msg.has(key) else state


def without_case(evaluation: Evaluation, lang: str) -> list[tuple[Cell, str]]:
    """The findings the rules open no case for, with the reason (the console's list under the reds)."""
    opens = msg.t("case.policy.opens", lang)
    return [(cell, text) for cell, text in case_policy(evaluation, lang).items() if text != opens]


def red_messages(evaluation: Evaluation) -> list[tuple[str, str]]:
    """The red findings' messages (zh, en), each followed by why it opens no case where the rules say so."""
    from budget_guard.engine.findings import MESSAGE_EN, MESSAGE_ZH

    found = evaluation.findings
    red = found.loc[found[LEVEL] == "red"] if not found.empty else found
    if red.empty:
        return []
    zh_policy, en_policy = case_policy(evaluation, "zh"), case_policy(evaluation, "en")
    opens_zh, opens_en = msg.t("case.policy.opens", "zh"), msg.t("case.policy.opens", "en")
    out = []
    for r in red.to_dict("records"):
        year = -1 if pd.isna(r[YEAR]) else int(r[YEAR])
        cell = (str(r[SCOPE_TYPE]), str(r[SCOPE]), str(r[CATEGORY]), year)
        zh, en = str(r[MESSAGE_ZH]), str(r[MESSAGE_EN])
        why_zh, why_en = zh_policy.get(cell, opens_zh), en_policy.get(cell, opens_en)
        out.append(
            (
                zh if why_zh == opens_zh else f"{zh}（{why_zh}）",
                en if why_en == opens_en else f"{en} ({why_en})",
            )
        )
    return out
