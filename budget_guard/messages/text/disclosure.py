"""公开 completeness (ingest/settle/disclosure.py): each obligation's state, the reasons, the per-set summary."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "problem.title.disclosure-missing": ("公开内容不完整", "disclosure incomplete"),
    "problem.hint.disclosure-missing": (
        "对照公开文件核对：缺少的表应补充公开；没有数据的表也应公开，并注明“本表无数据”及原因；无法读取的表请重新导出后再检查",
        "Check the published documents: publish the missing table; a table without data is still published, "
        "with a note that it is empty and why; a table that could not be read must be exported again and checked.",
    ),
    "disclosure.state.done": ("已公开", "done"),
    "disclosure.state.done_empty": ("已公开空表并说明", "done (declared empty)"),
    "disclosure.state.not_applicable": ("不适用", "not applicable"),
    "disclosure.state.not_done": ("未公开", "not done"),
    "disclosure.state.could_not_check": ("无法检查（按未公开计）", "could not check (counts as not done)"),
    "disclosure.reason.missing": ("公开表中没有这张表", "no such table among the published tables"),
    "disclosure.reason.failed": (
        "“{title}”未能读取，无法确认",
        "table '{title}' could not be read, so this cannot be confirmed",
    ),
    "disclosure.reason.empty_not_allowed": (
        "“{title}”没有数字，这张表不应为空",
        "table '{title}' prints no figures; this table may not be empty",
    ),
    "disclosure.reason.empty_without_note": (
        "“{title}”没有金额，也没有注明本表无数据",
        "table '{title}' prints no amounts and no note that it is empty",
    ),
    "disclosure.reason.declared_empty": ("“{title}”已注明无数据", "table '{title}' is declared empty"),
    "disclosure.reason.items_missing": ("“{title}”未列示：{items}", "table '{title}' does not show: {items}"),
    "disclosure.reason.stage_missing": (
        "“{title}”只列示决算数，没有预算数",
        "table '{title}' shows final figures only, no budget",
    ),
    "disclosure.reason.final_missing": ("“{title}”没有决算数", "table '{title}' shows no final figures"),
    "disclosure.reason.no_lines": ("“{title}”没有读出明细", "no lines were read from '{title}'"),
    "disclosure.item.abroad": ("因公出国（境）费", "official travel abroad"),
    "disclosure.item.cars": ("公务用车购置及运行维护费", "official cars (purchase and running)"),
    "disclosure.item.reception": ("公务接待费", "official reception"),
    "disclosure.summary": (
        "公开完整性：应公开{total}项，已公开{done}项，空表已说明{done_empty}项，不适用{not_applicable}项，未公开{not_done}项，无法检查{could_not_check}项",
        "disclosure: {total} obligation(s): {done} done, {done_empty} declared empty, {not_applicable} not applicable, "
        "{not_done} not done, {could_not_check} could not be checked",
    ),
    "disclosure.unmet": ("  ✗ {name}：{state}，{reason}", "  ✗ {name}: {state}, {reason}"),
}
