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
    "reason.table_changed": (
        "{scope}{category}{year}年的数据来自与{prev_year}年不同的表（例如上年只有三公经费表），不能按同一口径比较，请补充同类表",
        "{scope} {category} {year}: the figures come from a different kind of table than {prev_year}'s (e.g. only a 三公 table last year), so they cannot be compared like for like",
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
    # dashboard (app.py, budget_guard/dashboard)
    "app.title": ("预算支出护栏看板", "Budget guardrail dashboard"),
    "app.welcome": (
        "上传一个或多个预算表（左侧，xlsx、xls、csv），或一键使用内置示例数据。看板按规则文件检查过紧日子与四个只增不减，"
        "给出白黄红三色督办等级，并可追溯到每个数字背后的源文件、工作表和行号。",
        "Upload one or more budget tables (left: xlsx, xls, csv), or start with the built-in sample data in one click. "
        "The dashboard checks the tight-budget and four no-decrease guardrails of the rules file, grades each breach "
        "white / yellow / red, and traces every number to its source file, sheet and row.",
    ),
    "app.data": ("数据", "Data"),
    "app.sample": ("使用示例数据", "Use the sample data"),
    "app.sample_help": (
        "内置示例城市 2021–2025 年部门预算（11个部门，含预设的违规）",
        "Built-in sample city: 2021–2025 departmental budgets, 11 departments, planted violations",
    ),
    "app.upload": (
        "上传预算表（xlsx、xls、csv，可多选）",
        "Upload budget tables (xlsx, xls, csv; several at once)",
    ),
    "app.using_sample": ("示例数据：{name}", "Sample data: {name}"),
    "app.using_uploads": ("上传的{count}个文件", "{count} uploaded file(s)"),
    "app.read_options": ("读取选项（表中未注明时使用）", "Read options (used where a table does not say)"),
    "app.read.department": ("部门", "Department"),
    "app.read.year": ("年度", "Year"),
    "app.read.unit": ("金额单位", "Amount unit"),
    "app.read.stage": ("数据口径", "Stage"),
    "app.read.unset": ("（按表格）", "(from the table)"),
    "app.reading": ("正在读取表格……", "Reading the tables…"),
    "app.evaluating": ("正在归类、同比、分级……", "Classifying, comparing, grading…"),
    "app.rules": ("规则", "Rules"),
    "app.rules.source": ("规则来源", "Rules source"),
    "app.rules.default": ("默认规则", "Default rules"),
    "app.rules.upload": ("上传规则文件", "Upload a rules file"),
    "app.rules.upload_hint": (
        "尚未上传规则文件（YAML），暂用默认规则",
        "No rules file (YAML) uploaded yet; using the default rules",
    ),
    "app.rules.in_force": (
        "当前规则：{title}（版本 {version}，{source}）",
        "Rules in force: {title} (version {version}, {source})",
    ),
    "app.rules.download": ("下载当前规则（YAML）", "Download the rules in force (YAML)"),
    "app.rules.invalid": (
        "规则有误，未进行分析。请按下面的提示修改规则文件后重新上传，或改用默认规则。",
        "The rules are invalid, so nothing was analysed. Fix the rules file as described below and upload it again, or use the default rules.",
    ),
    "app.rules.not_utf8": (
        "规则文件 {name} 不是 UTF-8 编码的文本",
        "the rules file {name} is not UTF-8 text",
    ),
    "app.whatif": ("假设分析：调整目标与阈值", "What-if: adjust targets and thresholds"),
    "app.whatif.help": (
        "修改后立即重新分级；规则文件本身不变，可下载修改后的规则。",
        "Findings are re-graded at once; the rules file itself is unchanged, and the edited rules can be downloaded.",
    ),
    "app.whatif.target.decrease": ("{category}：至少压减（%）", "{category}: cut at least (%)"),
    "app.whatif.target.no_decrease": ("{category}：至少增长（%）", "{category}: grow at least (%)"),
    "app.whatif.bands": ("分级阈值", "Grading bands"),
    "app.whatif.band": (
        "{direction}类别：缺口不超过（百分点）为{level}",
        "{direction} categories: a shortfall up to (pp) is {level}",
    ),
    "app.whatif.materiality": (
        "重要性水平（元）：缺口低于此值只作提示",
        "Materiality (yuan): smaller gaps are notices only",
    ),
    "app.whatif.changed": ("假设分析已修改{count}项：{changes}", "What-if: {count} change(s): {changes}"),
    "app.whatif.reset": ("恢复规则文件中的值", "Reset to the rules file"),
    "app.stage": ("比较口径", "Compared stage"),
    "app.load.summary": (
        "读取{files}个文件（{failed}个无法读取）、{sheets}个工作表，共{rows_read}行：数据行{data_rows}行，合计/小计行{subtotal_rows}行，"
        "拒收{rejected_rows}行；得到预算支出行{lines}行，数据问题{problems}条",
        "Read {files} file(s) ({failed} unreadable), {sheets} sheet(s), {rows_read} rows: {data_rows} data rows, "
        "{subtotal_rows} subtotal rows, {rejected_rows} rejected; {lines} budget lines, {problems} problem(s)",
    ),
    "app.load.attention": (
        "有{rejected}行被拒收、{failed}个文件无法读取，它们未参与分析：详见“拒收行”与“读取报告”",
        "{rejected} row(s) were rejected and {failed} file(s) could not be read; they are not in the analysis: see 'Rejected rows' and 'Load report'",
    ),
    "app.no_lines": (
        "没有读到任何预算支出行，请查看“读取报告”和“拒收行”",
        "No budget lines were read; see 'Load report' and 'Rejected rows'",
    ),
    "app.no_comparison": (
        "数据只有一个年度，没有可同比的数字",
        "The data cover a single year; nothing to compare",
    ),
    "app.headline.ok": ("全部达标（{compared}项同比）", "All compliant ({compared} comparisons)"),
    "app.headline.found": (
        "红色{red}项、黄色{yellow}项、白色{white}项（共{compared}项同比）",
        "{red} red, {yellow} yellow, {white} white ({compared} comparisons)",
    ),
    "app.download.xlsx": ("下载督办单（XLSX）", "Download the 督办单 (XLSX)"),
    "app.download.json": ("下载 JSON 报告", "Download the JSON report"),
    "app.tab.matrix": ("合规矩阵", "Compliance matrix"),
    "app.tab.trends": ("同比图", "Year over year"),
    "app.tab.departments": ("部门钻取", "Departments"),
    "app.tab.findings": ("督办事项", "Findings"),
    "app.tab.unclassified": ("未归类支出", "Unclassified lines"),
    "app.tab.rejected": ("拒收行", "Rejected rows"),
    "app.tab.load": ("读取报告", "Load report"),
    "app.scope": ("范围", "Scope"),
    "app.worst_level": ("最严重等级", "Worst level"),
    "app.group_title": ("**{name}**（{direction}）", "**{name}** ({direction})"),
    "app.paren": ("（{text}）", " ({text})"),
    "app.with_unit": ("{label}（{unit}）", "{label} ({unit})"),
    "app.matrix.help": (
        "颜色为等级，数字为同比增减率；首个年度不作同比。鼠标悬停可看金额与说明。",
        "Colour is the level, the number the year-over-year change; the first year is not compared. Hover for amounts and the explanation.",
    ),
    "app.matrix.help_all": (
        "每格为全市合计与各部门中最严重的等级，下方为所在范围及其增减率；选择“全市合计”或某个部门可看其各格增减率。首个年度不作同比。",
        "Each cell is the worst level over the whole government and every department, with where it is and its change below; choose the whole government or a department to see its own rates. The first year is not compared.",
    ),
    "app.matrix.cell": ("{category} {year}年：{level}，{rate}", "{category} {year}: {level}, {rate}"),
    "app.matrix.cell_all": ("{category} {year}年 — {where}", "{category} {year} — {where}"),
    "app.matrix.all_compliant": ("{count}个范围均达标", "all {count} scopes compliant"),
    "app.matrix.more": ("，另{count}处", " +{count} more"),
    "app.scope.all": ("全部范围（最严重等级）", "All scopes (worst level)"),
    "app.matrix.broken": ("{scope}未达标的项目：", "Not compliant in {scope}:"),
    "app.matrix.all_ok": ("{scope}全部达标", "Everything compliant in {scope}"),
    "app.trend.help": (
        "圆点为各年金额（万元，颜色为等级），旁边的数字为同比增减率；黑色短线为按目标上年基础上应达到的金额，红色虚线标出未达标的差距。",
        "Dots are each year's amount (10k yuan, coloured by level), labelled with the change; the black bar is the amount that would just meet the target given the previous year, and a dashed red line marks each miss.",
    ),
    "app.trend.target_amount": ("按目标应为（万元）", "Amount meeting the target (10k yuan)"),
    "app.trend.empty": ("该范围没有此类支出", "No spending in this category for this scope"),
    "app.drill.help": (
        "各范围各类别的同比增减率（%），颜色为等级，最严重的排在前面。点击单元格，或在下方选择范围与类别，查看构成该数字的明细行。",
        "Change rate (%) of every scope and category, coloured by level, worst first. Click a cell, or choose the scope and category below, to see the lines behind the number.",
    ),
    "app.drill.lines": (
        "构成该数字的明细行（{prev_year}年与{year}年）",
        "Lines behind the number ({prev_year} and {year})",
    ),
    "app.drill.year_total": (
        "{year}年合计{amount}万元（{lines}行）",
        "{year}: {amount} (10k yuan, {lines} lines)",
    ),
    "app.drill.row": (
        "{scope}{category}：{prev_year}年{prev_amount}万元 → {year}年{amount}万元（{rate}），{level}",
        "{scope} {category}: {prev_amount} in {prev_year} → {amount} in {year} (10k yuan, {rate}); {level}",
    ),
    "app.drill.no_row": (
        "{scope}在{year}年及上年都没有{category}支出",
        "{scope} has no {category} spending in {year} or the year before",
    ),
    "app.drill.none": ("没有明细行", "No lines"),
    "app.findings.count": ("显示{shown}条，共{total}条", "{shown} of {total} shown"),
    "app.findings.select": (
        "选中表中一行，查看构成该数字的明细行",
        "Select a row to see the lines behind it",
    ),
    "app.unclassified.summary": (
        "{lines}行未归入任何类别，合计{amount}万元（已计入核对，未被丢弃）",
        "{lines} line(s) fall in no category, {amount} (10k yuan) in all (reconciled, never dropped)",
    ),
    "app.rejected.summary": (
        "{rows}行被拒收，未参与分析",
        "{rows} row(s) rejected and left out of the analysis",
    ),
    "app.rejected.none": ("没有被拒收的行", "No rejected rows"),
    "app.problems": (
        "数据问题（合计或层级与明细不符、单位、编码等）",
        "Problems (合计 and hierarchy mismatches, units, codes …)",
    ),
    "app.problems.none": ("未发现数据问题", "No problems found"),
    "app.load.files": ("文件", "Files"),
    "app.load.sheets": ("各工作表读取情况", "Rows by sheet"),
    "app.load.layout": ("格式", "Layout"),
    "app.load.unit": ("单位", "Unit"),
    "app.load.rows_read": ("读取行数", "Rows read"),
    "app.load.data_rows": ("数据行", "Data rows"),
    "app.load.subtotal_rows": ("合计/小计行", "Subtotal rows"),
    "app.load.header_rows": ("标题/表头行", "Title/header rows"),
    "app.load.note_rows": ("说明行", "Note rows"),
    "app.load.blank_rows": ("空行", "Blank rows"),
    "app.load.rejected_rows": ("拒收行", "Rejected rows"),
    "app.load.lines": ("预算支出行", "Budget lines"),
    "app.load.problems": ("数据问题", "Problems"),
    "app.load.accounted": ("每行均有归属", "Every row accounted"),
    "app.load.accounted_ok": (
        "每个读取的行都已归类：数据行、合计/小计行、标题/说明/空行或拒收行",
        "Every row read is accounted for: data, subtotal, title/note/blank or rejected",
    ),
    "app.load.accounted_bad": (
        "有工作表的行数对不上，请检查读取报告",
        "Some sheet's rows do not add up; check the load report",
    ),
    "app.bool.True": ("是", "yes"),
    "app.bool.False": ("否", "no"),
    "app.severity.error": ("错误", "error"),
    "app.severity.warning": ("警告", "warning"),
    "app.severity.notice": ("提示", "notice"),
    "app.status.ok": ("已读取", "read"),
    "app.status.failed": ("无法读取", "unreadable"),
    "app.filter.all": ("全部", "All"),
    "app.matrix.basis": (
        "全市合计的增减率按可比口径计算（只含两年都有数据的部门），金额为全部部门合计。",
        "The whole-government rate is on a comparable basis (departments with figures in both years); amounts are all departments.",
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
    "cli.batch_start": (
        "新文件{new}个，已处理过而跳过{skipped}个",
        "{new} new file(s), {skipped} already processed",
    ),
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
