"""Every user-facing label and message, in Chinese (default) and English.

Templates are filled with ``str.format``; keep placeholders identical in both languages so a
caller never has to know which language it is rendering.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

_TEXT: dict[str, tuple[str, str]] = {
    # levels
    "level.compliant": ("达标", "Compliant"),
    "level.white": ("白色（提示）", "White (notice)"),
    "level.yellow": ("黄色（预警）", "Yellow (warning)"),
    "level.red": ("红色（督办）", "Red (supervised)"),
    "level.none": ("不比较", "Not compared"),
    # directions
    "direction.decrease": ("压减", "Cut"),
    "direction.no_decrease": ("只增不减", "No decrease"),
    # scopes
    "scope.government": ("全市", "Government"),
    "scope.department": ("部门", "Department"),
    # stages
    "stage.budget": ("预算数", "Budget"),
    "stage.adjusted": ("调整预算数", "Adjusted budget"),
    "stage.final": ("决算数", "Final accounts"),
    # column labels (reports and app)
    "col.scope": ("范围", "Scope"),
    "col.scope_type": ("范围类型", "Scope type"),
    "col.department": ("部门", "Department"),
    "col.group": ("护栏", "Guardrail"),
    "col.category": ("类别", "Category"),
    "col.year": ("年度", "Year"),
    "col.prev_year": ("上年", "Previous year"),
    "col.prev_amount": ("上年数", "Previous"),
    "col.amount": ("本年数", "Current"),
    "col.change": ("增减额", "Change"),
    "col.change_rate": ("增减率", "Change rate"),
    "col.target": ("目标", "Target"),
    "col.level": ("等级", "Level"),
    "col.message": ("说明", "Explanation"),
    "col.sources": ("来源", "Source"),
    "col.lines": ("行数", "Lines"),
    "col.reason": ("原因代码", "Reason code"),
    "col.item": ("科目/项目名称", "Item"),
    "col.func_code": ("功能分类编码", "Functional code"),
    "col.econ_code": ("经济分类编码", "Economic code"),
    "col.expense_type": ("支出类型", "Expense type"),
    "col.stage": ("数据口径", "Stage"),
    "col.tags": ("标签", "Tags"),
    "col.categories": ("所属类别", "Categories"),
    "col.source_file": ("文件", "File"),
    "col.source_sheet": ("工作表", "Sheet"),
    "col.source_row": ("行号", "Row"),
    "col.input_total": ("输入合计", "Input total"),
    "col.classified": ("已归类", "Classified"),
    "col.unclassified": ("未归类", "Unclassified"),
    "col.difference": ("差额", "Difference"),
    "col.overlap": ("多类别重复计入", "Counted in several categories"),
    "col.balanced": ("是否平衡", "Balanced"),
    "unit.wan": ("万元", "10k yuan"),
    "unit.yuan": ("元", "yuan"),
    # targets
    "target.decrease": ("压减≥{target}%", "cut ≥ {target}%"),
    "target.decrease_zero": ("只减不增", "no increase"),
    "target.no_decrease": ("增长≥{target}%", "grow ≥ {target}%"),
    "target.no_decrease_zero": ("只增不减", "no decrease"),
    # finding messages — reason codes are stable identifiers used in JSON reports
    "reason.wrong_direction.decrease": (
        "{scope}{category}{year}年{amount}万元，比{prev_year}年{prev_amount}万元增加{change}万元（{rate}），违反{target_text}要求",
        "{scope} {category} {year}: {amount} (10k yuan), up {change} ({rate}) on {prev_year}'s {prev_amount}; breaks '{target_text}'",
    ),
    "reason.wrong_direction.no_decrease": (
        "{scope}{category}{year}年{amount}万元，比{prev_year}年{prev_amount}万元减少{change_abs}万元（{rate}），违反只增不减要求",
        "{scope} {category} {year}: {amount} (10k yuan), down {change_abs} ({rate}) on {prev_year}'s {prev_amount}; must not decrease",
    ),
    "reason.shortfall.decrease": (
        "{scope}{category}{year}年压减{rate_abs}，未达到{target_text}的目标，差{shortfall}个百分点（{prev_amount}→{amount}万元）",
        "{scope} {category} {year}: cut {rate_abs}, short of the '{target_text}' target by {shortfall} pp ({prev_amount} → {amount})",
    ),
    "reason.shortfall.no_decrease": (
        "{scope}{category}{year}年增长{rate}，低于{target_text}的目标，差{shortfall}个百分点（{prev_amount}→{amount}万元）",
        "{scope} {category} {year}: grew {rate}, short of the '{target_text}' target by {shortfall} pp ({prev_amount} → {amount})",
    ),
    "reason.below_materiality": (
        "；缺口{gap}元，低于重要性水平{materiality}元，仅作提示",
        "; the gap of {gap} yuan is below the materiality floor of {materiality} yuan, so it is a notice only",
    ),
    "reason.comparable_basis": (
        "；按可比口径比较，剔除{excluded}个未连续两年报送的部门（全部部门合计：上年{prev_amount}万元，本年{amount}万元）",
        "; compared on a comparable basis, leaving out {excluded} department(s) without lines in both years (all departments: {prev_amount} → {amount})",
    ),
    "reason.prior_zero_increase": (
        "{scope}{category}{prev_year}年为0，{year}年新增{amount}万元，违反{target_text}要求",
        "{scope} {category}: 0 in {prev_year}, {amount} (10k yuan) in {year}; breaks '{target_text}'",
    ),
    "reason.no_baseline": (
        "{scope}没有{prev_year}年数据，{category}{year}年（{amount}万元）无法同比，请补充上年数",
        "{scope} has no {prev_year} figures, so {category} {year} ({amount}) cannot be compared; add the prior year",
    ),
    "reason.missing_current": (
        "{scope}{year}年没有任何支出行（{prev_year}年有），{category}上年{prev_amount}万元，请核实是否漏报",
        "{scope} has no lines in {year} although it had in {prev_year} ({category}: {prev_amount}); check for a missing submission",
    ),
    "reason.empty_category": (
        "全部数据中没有任何支出行归入{category}，请核对规则选择器或补充数据",
        "no line in the data falls in {category}; check the rule's selector or the data",
    ),
    "reason.compliant": ("达标", "compliant"),
    "reason.first_year": ("首个年度，不作同比", "first year, not compared"),
    "reason.unchanged_zero": ("两年均为0", "zero in both years"),
    "reason.from_zero": ("上年为0，本年新增（只增不减类别）", "from zero (no-decrease category)"),
    # reconciliation
    "recon.balanced": (
        "全部{lines}行、合计{total}万元已全部核对：已归类{classified}万元 + 未归类{unclassified}万元，差额为0",
        "All {lines} lines ({total} 10k yuan) accounted for: classified {classified} + unclassified {unclassified}, difference 0",
    ),
    "recon.unbalanced": (
        "核对不平：输入合计{total}万元，已归类与未归类之和差{difference}元",
        "Reconciliation failed: input {total}, classified + unclassified differ by {difference} yuan",
    ),
    "note.stage_absent": (
        "数据中没有口径为“{stage}”的支出行（有：{present}），未做同比；可在规则 compare.stage 中或用 --stage 改为其他口径",
        "No lines of stage '{stage}' (present: {present}); nothing compared. Set compare.stage in the rules or use --stage",
    ),
    "note.other_stages": (
        "{count}行口径不是“{stage}”，只参与归类与核对，不参与同比",
        "{count} lines are not of stage '{stage}': classified and reconciled, not compared",
    ),
    # reports and CLI (budget_guard/reports, batch.py, cli.py)
    "report.title": ("预算支出护栏督办单", "Budget guardrail supervision report"),
    "report.generated_at": ("生成时间", "Generated at"),
    "report.rules": ("规则", "Rules"),
    "report.inputs": ("输入文件", "Input files"),
    "report.inputs_value": ("{files}个文件，其中{failed}个无法读取", "{files} file(s), {failed} unreadable"),
    "report.rows": ("数据行", "Lines"),
    "report.rows_value": ("有效{lines}行，拒收{rejected}行", "{lines} lines used, {rejected} rejected"),
    "report.worst_level": ("最高等级", "Worst level"),
    "report.reconciliation": ("核对", "Reconciliation"),
    "report.unclassified": ("未归类", "Unclassified"),
    "report.unclassified_value": ("{lines}行，合计{amount}万元", "{lines} lines, {amount} (10k yuan)"),
    "report.ge": ("数据质量检查（Great Expectations）", "Data quality (Great Expectations)"),
    "report.ge_value": (
        "全部通过：{success}；{evaluated}项检查中{failed}项未通过；详见 {docs}",
        "all passed: {success}; {failed} of {evaluated} expectations failed; see {docs}",
    ),
    "report.notes": ("说明", "Note"),
    "report.matrix": (
        "合规矩阵（类别 × 年度，各范围中最严重的等级，×后为事项数）",
        "Compliance matrix (category × year, worst level over all scopes, × number of findings)",
    ),
    "report.findings": ("督办事项", "Findings"),
    "report.files": ("输入文件清单", "Input files"),
    "report.none": ("（无）", "(none)"),
    "report.truncated": (
        "仅列出前{shown}行，共{total}行；完整清单见 JSON 报告",
        "first {shown} of {total} rows shown; the JSON report has all",
    ),
    "report.unit_note": ("金额单位：万元", "Amounts in 10k yuan (万元)"),
    "sheet.overview": ("概况", "Overview"),
    "sheet.red": ("红色督办", "Red"),
    "sheet.yellow": ("黄色预警", "Yellow"),
    "sheet.white": ("白色提示", "White"),
    "sheet.unclassified": ("未归类支出", "Unclassified"),
    "sheet.rejected": ("拒收行", "Rejected rows"),
    "sheet.problems": ("数据问题", "Problems"),
    "col.amount_wan": ("金额（万元）", "Amount (10k yuan)"),
    "col.column": ("列", "Column"),
    "col.problem_code": ("问题代码", "Problem code"),
    "col.value": ("原值", "Value"),
    "col.severity": ("严重程度", "Severity"),
    "col.hint": ("处理建议", "How to fix"),
    "col.sha256": ("SHA-256", "SHA-256"),
    "col.size": ("大小（字节）", "Size (bytes)"),
    "col.status": ("状态", "Status"),
    "col.count": ("数量", "Count"),
    "cli.error": ("错误：{message}", "error: {message}"),
    "cli.reports": ("报告：{paths}", "reports: {paths}"),
    "cli.outcome": (
        "最高等级：{worst}；失败阈值：{fail_on}；退出码 {code}",
        "worst level: {worst}; fail level: {fail_on}; exit code {code}",
    ),
    "cli.reading": ("读取{count}个文件……", "reading {count} file(s)…"),
    "cli.read_done": ("已读取{lines}行（拒收{rejected}行）", "read {lines} lines ({rejected} rejected)"),
    "cli.evaluating": ("归类、同比、分级……", "classifying, comparing, grading…"),
    "cli.writing": ("写入报告：{formats}", "writing reports: {formats}"),
    "cli.ge_running": ("运行 Great Expectations 检查……", "running Great Expectations…"),
    "cli.locked": (
        "另一个 budget-guard batch 正在运行（锁文件 {path}），本次不处理，直接退出",
        "another budget-guard batch run holds the lock {path}; nothing done, exiting",
    ),
    "cli.batch_start": ("新文件{new}个，已处理过而跳过{skipped}个", "{new} new file(s), {skipped} already processed"),
    "cli.lines": ("（{lines}行）", " ({lines} lines)"),
    "cli.batch_file": ("[{index}/{total}] {name}：{outcome}", "[{index}/{total}] {name}: {outcome}"),
    "cli.batch_summary": (
        "新文件{processed}个（失败{failed}个），已处理过而跳过{skipped}个",
        "{processed} new file(s) processed ({failed} failed), {skipped} already processed and skipped",
    ),
    "cli.rules_ok": (
        "规则文件有效：{path}（版本 {version}，{categories}个类别，sha256 {sha}）",
        "rules file is valid: {path} (version {version}, {categories} categories, sha256 {sha})",
    ),
    "cli.sample_written": ("示例数据已写入：{paths}", "sample data written: {paths}"),
    "cli.no_runs": ("尚无运行记录：{path}", "no runs recorded yet: {path}"),
    "cli.no_input": ("没有找到可读取的文件：{paths}", "no input files found: {paths}"),
    "outcome.no_lines": ("未读到任何预算数据行", "no budget lines found"),
    "outcome.processed": ("已处理", "processed"),
    "outcome.failed": ("无法读取", "unreadable"),
    "outcome.error": ("处理出错", "error"),
}


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Look up a label or message template and fill it; unknown languages fall back to Chinese."""
    zh, en = _TEXT[key]
    template = en if lang == "en" else zh
    return template.format(**values) if values else template


def has(key: str) -> bool:
    return key in _TEXT


def level_label(level: str, lang: str = DEFAULT_LANG) -> str:
    return t(f"level.{level}", lang)
