"""A damaged or read-only ledger: rows set aside, versions refused."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "ledger.bad_row": (
        "督办台账第{row}行（{number}）的字段 {field} 取值“{value}”无效：已跳过这一行，其余照常",
        "ledger row {row} ({number}): field {field} has the invalid value '{value}'; the row is skipped, "
        "the others are read",
    ),
    "ledger.bad_rows_app": (
        "督办台账中有{count}行已损坏，未显示：",
        "{count} damaged row(s) of the case ledger are not shown:",
    ),
    "ledger.too_new": (
        "运行记录文件是第{version}版格式，本程序只认识到第{known}版",
        "the ledger file is format version {version}; this budget-guard knows up to version {known}",
    ),
    "ledger.too_new_hint": (
        "请升级 budget-guard，或用 --state 指定另一个文件",
        "upgrade budget-guard, or pass another --state file",
    ),
    "ledger.cases_unreadable": (
        "督办台账无法读取，未显示：{error}",
        "the case ledger cannot be read and is not shown: {error}",
    ),
    # the fields of a case row, as a bad-row message names them
    "ledger.field.case_key": ("案件标识", "case key"),
    "ledger.field.number": ("督办编号", "case number"),
    "ledger.field.scope": ("责任单位", "responsible unit"),
    "ledger.field.category": ("类别", "category"),
    "ledger.field.rectification": ("整改方式", "rectification type"),
    "ledger.field.last_file": ("最近文件", "last file"),
    "ledger.field.message_zh": ("问题描述（中文）", "description (Chinese)"),
    "ledger.field.message_en": ("问题描述（英文）", "description (English)"),
    "ledger.field.sources": ("数据来源", "sources"),
    "ledger.field.category_zh": ("类别名称（中文）", "category name (Chinese)"),
    "ledger.field.category_en": ("类别名称（英文）", "category name (English)"),
    "ledger.field.rectification_zh": ("整改方式名称（中文）", "rectification name (Chinese)"),
    "ledger.field.rectification_en": ("整改方式名称（英文）", "rectification name (English)"),
    "ledger.field.note": ("整改情况", "progress note"),
    "ledger.field.scope_type": ("范围类型", "scope type"),
    "ledger.field.stage": ("数据口径", "stage"),
    "ledger.field.state": ("状态", "state"),
    "ledger.field.level": ("等级", "level"),
    "ledger.field.year": ("年度", "year"),
    "ledger.field.consecutive_runs": ("连续发现次数", "consecutive runs"),
    "ledger.field.source_lines": ("来源行数", "source lines"),
    "ledger.field.amount_fen": ("金额", "amount"),
    "ledger.field.prev_amount_fen": ("上年金额", "prior-year amount"),
    "ledger.field.last_run_id": ("最近运行编号", "last run id"),
    "ledger.field.id": ("行号", "row id"),
    "ledger.field.found_at": ("立案时间", "found at"),
    "ledger.field.level_since": ("定级时间", "level since"),
    "ledger.field.deadline_at": ("整改时限", "deadline"),
    "ledger.field.last_seen_at": ("最近发现时间", "last seen at"),
    "ledger.field.updated_at": ("更新时间", "updated at"),
    "ledger.field.departments": ("部门列表", "departments"),
}
