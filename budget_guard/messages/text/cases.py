"""挂牌督办 cases: states, history events, the 督办单 columns, and the ``cases`` CLI messages."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # states (cases/lifecycle.py)
    "case.state.open": ("待整改", "Open"),
    "case.state.in_progress": ("整改中", "In progress"),
    "case.state.rectified": ("已整改", "Rectified"),
    "case.state.closed": ("已销号", "Closed"),
    "case.state.listed": ("挂牌督办", "Listed for supervision"),
    "case.overdue": ("已超期", "Overdue"),
    "case.scope.government": ("本级合计", "Government total"),
    # who
    "case.actor.run": ("运行", "run"),
    "case.actor.os_user": ("系统用户", "OS user"),
    "case.actor.signed_in": ("已登录", "signed in"),
    "case.actor.unverified": ("未验证身份", "unverified"),
    # history events (details filled from the event's JSON)
    "case.event.opened": ("立案：{level}，整改时限 {deadline}", "Opened: {level}, deadline {deadline}"),
    "case.event.seen": (
        "再次发现：{level}（本年 {amount} 万元）",
        "Found again: {level} ({amount} 10k yuan)",
    ),
    "case.event.seen.new_input": (
        "再次发现（新报送的数据，连续第{runs}次）：{level}（本年 {amount} 万元）",
        "Found again in newly submitted data ({runs} in a row): {level} ({amount} 10k yuan)",
    ),
    "case.event.seen.same_input": (
        "同一数据再次运行，仍为{level}：不是新报送的数据，不计入连续发现次数，等级和整改时限不变",
        "The same data run again, still {level}: not a new submission, not counted as found again; level and deadline unchanged",
    ),
    "case.event.not_rectified.why": (
        "未能确认整改：本次运行中该项为“{state_label}”（{why}），不能作为达标依据，问题保持未结",
        "Not confirmed as rectified: this run's cell is {state_label} ({why}), which is not compliance; the case stays open",
    ),
    "case.event.not_rectified.file_failed": (
        "未能确认整改：本次运行有文件读取失败（{files}），未依据本次数据更新问题，问题保持未结",
        "Not confirmed as rectified: a file of this run could not be read ({files}), so the case was not updated from it; it stays open",
    ),
    "case.event.level_raised": (
        "等级升为 {to_level}，新整改时限 {deadline}",
        "Level raised to {to_level}, new deadline {deadline}",
    ),
    "case.event.escalated.deadline": (
        "逾期未整改，由 {from_level} 升为 {to_level}（原时限 {deadline_was}，新时限 {deadline}）",
        "Not rectified by the deadline: {from_level} → {to_level} (was due {deadline_was}, now due {deadline})",
    ),
    "case.event.escalated.consecutive_runs": (
        "连续 {runs} 次报送的数据均发现，由 {from_level} 升为 {to_level}（新时限 {deadline}）",
        "Found in {runs} submissions in a row: {from_level} → {to_level} (now due {deadline})",
    ),
    "case.event.listed.deadline": (
        "红色问题逾期未整改（时限 {deadline_was}），挂牌督办",
        "Red past its deadline ({deadline_was}): listed for supervision",
    ),
    "case.event.listed.consecutive_runs": (
        "红色问题连续 {runs} 次报送的数据均发现，挂牌督办",
        "Red found in {runs} submissions in a row: listed for supervision",
    ),
    "case.event.noted": ("整改情况：{reason}", "Progress note: {reason}"),
    "case.event.rectified": (
        "已整改：该单元格在本次运行中达标（本年 {amount} 万元，上年 {prev_amount} 万元）",
        "Rectified: the cell is compliant in this run ({amount} vs {prev_amount} 10k yuan)",
    ),
    "case.event.not_rectified": (
        "未能确认整改：本次运行中该项为“{state_label}”，不能作为达标依据，问题保持未结",
        "Not confirmed as rectified: this run's cell is {state_label}, which is not compliance; the case stays open",
    ),
    "case.event.not_rectified.partial": (
        "未能确认整改：本次运行缺少立案时的部门（{missing}），合计数不可比",
        "Not confirmed as rectified: this run lacks department(s) of the original run ({missing})",
    ),
    "case.event.reopened": (
        "已整改后再次发现：{to_level}，重新立案",
        "Found again after rectification: {to_level}, reopened",
    ),
    "case.event.closed": ("销号：{reason}", "Closed: {reason}"),
    "case.event.seen_after_close": (
        "销号后数据再次显示问题（本年 {amount} 万元），未重新立案",
        "Found again after closing ({amount} 10k yuan); not reopened",
    ),
    "case.cell.no_data": ("无数据", "no data"),
    "case.cell.not_comparable": ("不可比", "not comparable"),
    "case.run_file": ("第{run}次运行，文件 {file}", "run {run}, file {file}"),
    "case.run": ("第{run}次运行", "run {run}"),
    # the 督办单 (reports/case_sheet.py)
    "case.sheet.title": ("督办单", "Supervision sheet"),
    "case.sheet.overview": ("督办概况", "Overview"),
    "case.sheet.cases": ("督办台账", "Cases"),
    "case.sheet.history": ("整改记录", "History"),
    "case.sheet.generated_at": ("生成时间（北京时间）", "Generated (Beijing time)"),
    "case.sheet.ledger": ("运行记录文件", "Ledger"),
    "case.sheet.by_state_level": ("按状态和等级统计（未结问题）", "Open cases by state and level"),
    "case.sheet.total": ("合计", "Total"),
    "case.sheet.overdue_count": ("其中已超期", "Of which overdue"),
    "case.sheet.none": ("没有未结的督办问题", "No open cases"),
    "case.sheet.filters": ("筛选条件", "Filters"),
    "case.col.seq": ("序号", "No."),
    "case.col.number": ("督办编号", "Case number"),
    "case.col.unit": ("责任单位", "Responsible unit"),
    "case.col.category": ("问题类别", "Category"),
    "case.col.description": ("问题描述", "Description"),
    "case.col.level": ("等级", "Level"),
    "case.col.found": ("发现日期", "Found"),
    "case.col.deadline": ("整改时限", "Deadline"),
    "case.col.progress": ("整改情况", "Progress"),
    "case.col.state": ("状态", "State"),
    "case.col.rectification": ("整改方式", "Rectification"),
    "case.col.year": ("年度", "Year"),
    "case.col.sources": ("问题所依据的数据行", "Lines behind it"),
    "case.col.when": ("时间（北京时间）", "When (Beijing time)"),
    "case.col.who": ("操作人", "Who"),
    "case.col.what": ("事项", "What"),
    "case.col.where": ("运行 / 文件", "Run / file"),
    # whether a finding opens a case (cases/policy.py): every report's 督办 column and the console
    "case.policy.col": ("督办立案", "Case"),
    "case.policy.opens": ("立案督办", "opens a case"),
    "case.policy.level_not_opened": (
        "{year}年{level}：规则的立案等级不含该等级，不立案",
        "{year} {level}: the rules open no case for this level (open_levels)",
    ),
    "case.policy.not_a_cell": (
        "{year}年{level}：报送完整性提示，不属于某一护栏类别，不立案",
        "{year} {level}: a completeness notice, not a guard-rail category, so no case",
    ),
    "case.policy.latest_compliant": (
        "{year}年{level}：{latest}年已达标，不再立案",
        "{year} {level}: compliant in {latest}, so no case",
    ),
    "case.policy.latest_found": (
        "{year}年{level}：只对最近年度立案，见{latest}年（{latest_state}）的督办问题",
        "{year} {level}: cases are opened for the latest year only; see the {latest} case ({latest_state})",
    ),
    "case.policy.latest_ungraded": (
        "{year}年{level}：只对最近年度立案，{latest}年该项为{latest_state}，不立案",
        "{year} {level}: cases are opened for the latest year only; {latest} is {latest_state} here, so no case",
    ),
    "case.policy.state.white": ("白色", "white"),
    "case.policy.state.yellow": ("黄色", "yellow"),
    "case.policy.state.red": ("红色", "red"),
    "case.policy.state.compliant": ("达标", "compliant"),
    "case.policy.state.no_data": ("无数据", "no data"),
    "case.policy.state.not_comparable": ("不可比", "not comparable"),
    "cli.reds_without_case": ("以下红色问题不立案：", "Reds that open no case:"),
    # what changed since the last submission (cases/changes.py, ``cases changes``)
    "case.changes.state.red": ("红色", "red"),
    "case.changes.state.yellow": ("黄色", "yellow"),
    "case.changes.state.white": ("白色", "white"),
    "case.changes.state.compliant": ("达标", "compliant"),
    "case.changes.state.no_data": ("无数据", "no data"),
    "case.changes.state.not_comparable": ("不可比", "not comparable"),
    "case.changes.state.absent": ("无数据行", "no lines"),
    "case.changes.reruns": (
        "；此后同一数据又运行 {count} 次（不算报送）",
        "; the same data was run {count} more time(s) since (not submissions)",
    ),
    "case.changes.cell_new": ("{category} {year}年：{after}（新出现）", "{category} {year}: {after} (new)"),
    "case.changes.cell": ("{category} {year}年：{before} → {after}", "{category} {year}: {before} → {after}"),
    "case.changes.title": (
        "{scope}：第{run}次运行（{file}，{at}）对比上次报送的数据（第{previous}次运行，{previous_file}，{previous_at}）",
        "{scope}: run {run} ({file}, {at}) against the previous submission (run {previous}, {previous_file}, {previous_at})",
    ),
    "case.changes.first": (
        "{scope}：第{run}次运行（{file}，{at}）是运行记录中该单位的首次报送",
        "{scope}: run {run} ({file}, {at}) is this unit's first submission in the ledger",
    ),
    "case.changes.cases": ("{kind}：{numbers}", "{kind}: {numbers}"),
    "case.changes.no_cell": ("各单元格状态无变化", "no cell changed state"),
    "case.changes.heading": ("自上次报送以来的变化", "Changes since the last submission"),
    "cli.cases_changes_none": (
        "运行记录中还没有逐项记录（第2版运行记录起，check/batch --ledger 会记录）",
        "The ledger has no recorded cells yet (check/batch --ledger record them from ledger version 2 on)",
    ),
    "cli.cases_changes_unchanged": (
        "另有 {count} 个单位与上次报送相比没有变化",
        "{count} more unit(s) unchanged since their previous submission",
    ),
    "case.unit.government_unset": (
        "未指定（本级合计问题：请在规则文件督办文书部分设定本级合计问题的责任单位）",
        "not set (a government-level case: set the responsible body in supervision.papers.government_unit)",
    ),
    # the papers' title block and page numbers (reports/paper.py)
    "paper.issuer": ("发文机关", "Issued by"),
    "paper.doc_number": ("督办文号", "Reference"),
    "paper.date": ("日期", "Date"),
    "paper.signer": ("签发", "Signed off by"),
    "paper.page_of": ("第&P页 共&N页", "Page &P of &N"),
    "paper.open_summary": (
        "未结问题 {total} 个（红色 {red}、黄色 {yellow}、白色 {white}），其中已超期 {overdue} 个",
        "{total} open case(s) (red {red}, yellow {yellow}, white {white}); {overdue} overdue",
    ),
    # 整改通知书 (reports/notice.py)
    "notice.title": ("整改通知书", "Rectification notice"),
    "notice.we": ("本机关", "this office"),
    "notice.intro": (
        "经{issuer}对你单位报送的预算数据核查，发现以下 {count} 个问题，现通知你单位按要求和时限整改：",
        "{issuer} has checked the budget figures your unit submitted and found the {count} problem(s) below; rectify them as required and by the deadline:",
    ),
    "notice.case_title": (
        "{index}. {category}（{year}年）  督办编号 {number}  {level}",
        "{index}. {category} ({year})  case {number}  {level}",
    ),
    "notice.finding": ("问题", "Finding"),
    "notice.figures": ("两年数据", "Figures"),
    "notice.figures_text": (
        "{prev_year}年 {prev_amount} 万元；{year}年 {amount} 万元",
        "{prev_year}: {prev_amount} (10k yuan); {year}: {amount} (10k yuan)",
    ),
    "notice.needed": ("整改要求", "To reach the target"),
    "notice.needed_cut": ("还需压减 {amount} 万元", "cut a further {amount} (10k yuan)"),
    "notice.needed_add": ("还需增加 {amount} 万元", "add a further {amount} (10k yuan)"),
    "notice.needed_unknown": (
        "按规则目标整改（本问题立案时未记录缺口金额）",
        "rectify to the rules' target (the gap was not recorded when the case was opened)",
    ),
    "notice.rectification": ("整改方式", "Rectification"),
    "notice.deadline": ("整改时限", "Deadline"),
    "notice.reply_title": ("整改情况反馈", "Reply"),
    "notice.reply_text": (
        "请于 {day} 前将整改情况书面报送{issuer}（可填写下表后盖章报送）。",
        "Send {issuer} a written account of the rectification by {day} (fill in below, stamp and return).",
    ),
    "notice.reply_measures": ("整改措施", "Measures taken"),
    "notice.reply_done": ("完成时间", "Completed on"),
    "notice.reply_contact": ("联系人及电话", "Contact and phone"),
    "notice.receipt": (
        "责任单位签收：{blank}    签收日期：{blank}",
        "Received by the unit: {blank}    Date: {blank}",
    ),
    "notice.seal": ("（盖章）", " (seal)"),
    "notice.none": ("没有待整改的督办问题", "No case is waiting for rectification"),
    # CLI
    "cli.cases_changes": (
        "督办问题：新立案 {opened}，再次发现 {seen}，升级 {escalated}，挂牌督办 {listed}，已整改 {rectified}，重新立案 {reopened}，未能确认 {not_rectified}",
        "Cases: opened {opened}, found again {seen}, escalated {escalated}, listed {listed}, rectified {rectified}, reopened {reopened}, not confirmed {not_rectified}",
    ),
    "cli.cases_rerun": (
        "同一数据再次运行：{count} 个问题只记为“再次运行”，不计入连续发现次数，等级和整改时限不变",
        "The same data run again: {count} case(s) recorded as seen only; not counted, level and deadline unchanged",
    ),
    "cli.cases_ledger": ("督办台账：{path}", "Case ledger: {path}"),
    "cli.cases_not_updated": (
        "有文件读取失败，本次未更新督办问题（部分数据不能作为整改依据）；{count} 个未结问题已记为“未能确认整改”",
        "Some files could not be read, so no case was updated (partial data cannot rectify a case); {count} open case(s) recorded as not confirmed",
    ),
    "cli.cases_none": ("没有符合条件的督办问题", "No case matches"),
    "cli.cases_noted": (
        "已记录 {number} 的整改情况（{who}），状态：{state}",
        "Note recorded on {number} ({who}); state: {state}",
    ),
    "cli.cases_closed": ("{number} 已销号（{who}）", "{number} closed ({who})"),
    "cli.cases_notices": (
        "整改通知书已写出（{units} 个责任单位，每单位一页）：{paths}",
        "Rectification notices written ({units} unit(s), one page each): {paths}",
    ),
    "cli.cases_exported": ("督办单已写出：{paths}", "Supervision sheet written: {paths}"),
    "cli.cases_swept": (
        "逾期升级：升级 {escalated}，挂牌督办 {listed}",
        "Deadline sweep: escalated {escalated}, listed {listed}",
    ),
    "cli.cases_ledger_conflict": (
        "--ledger 与 --state 指向不同文件；批处理与督办问题使用同一个运行记录文件",
        "--ledger and --state name different files; batch and cases share one ledger",
    ),
    "cli.cases_behind": ("问题所依据的数据行：{sources}", "Lines behind it: {sources}"),
    "cli.cases_history": ("整改记录：", "History:"),
}

TEXT.update(
    {
        "cli.cases_kind.opened": ("新立案", "opened"),
        "cli.cases_kind.escalated": ("升级", "escalated"),
        "cli.cases_kind.listed": ("挂牌督办", "listed"),
        "cli.cases_kind.rectified": ("已整改", "rectified"),
        "cli.cases_kind.reopened": ("重新立案", "reopened"),
        "cli.cases_kind.not_rectified": ("未能确认整改", "not confirmed"),
    }
)

# the dashboard's 督办台账 view (app.py cases_view)
TEXT.update(
    {
        "app.tab.cases": ("督办台账", "Cases"),
        "app.cases.no_ledger": (
            "未配置督办台账：在 .streamlit/secrets.toml 的 [budget_guard] 中设置 ledger（或环境变量 BUDGET_GUARD_LEDGER）为 check/batch --ledger 使用的文件",
            "No case ledger configured: set ledger under [budget_guard] in .streamlit/secrets.toml (or BUDGET_GUARD_LEDGER) to the file check/batch --ledger use",
        ),
        "app.cases.missing": ("督办台账文件不存在：{path}", "The case ledger does not exist: {path}"),
        "app.cases.read_only": (
            "只读：未登录，不能修改督办台账",
            "Read-only: not signed in, the ledger cannot be changed",
        ),
        "app.cases.signed_in": ("已登录：{name}", "Signed in: {name}"),
        "app.cases.login": ("登录", "Sign in"),
        "app.cases.logout": ("退出登录", "Sign out"),
        "app.cases.unverified": (
            "未登录：填写的姓名将记为“未验证身份”；红色和挂牌督办问题须登录后销号",
            "Not signed in: the name you enter is recorded as unverified; red and listed cases need sign-in to close",
        ),
        "app.cases.your_name": ("您的姓名", "Your name"),
        "app.cases.need_name": ("请先填写姓名", "Enter your name first"),
        "app.cases.overdue_metric": ("已超期", "Overdue"),
        "app.cases.total_metric": ("未结问题", "Open cases"),
        "app.cases.count": ("显示 {shown} 个问题（共 {total} 个）", "{shown} of {total} cases"),
        "app.cases.select": (
            "选择督办编号，查看整改记录和所依据的数据行",
            "Pick a case number for its history and the lines behind it",
        ),
        "app.cases.history": ("整改记录", "History"),
        "app.cases.behind": ("问题所依据的数据行", "Lines behind it"),
        "app.cases.note": ("整改情况", "Progress note"),
        "app.cases.add_note": ("记录整改情况", "Add note"),
        "app.cases.close_reason": ("销号理由", "Reason for closing"),
        "app.cases.close": ("销号", "Close case"),
        "app.cases.saved": ("已保存", "Saved"),
        "app.cases.download": ("下载挂牌督办台账（XLSX）", "Download the case sheet (XLSX)"),
        "app.cases.department": ("责任单位包含", "Responsible unit contains"),
        "app.cases.only_overdue": ("只看已超期", "Overdue only"),
        "app.cases.include_closed": ("含已整改和已销号", "Include rectified and closed"),
        "app.cases.lines.opened": (
            "立案时所依据的数据行（第{run}次运行，文件 {file}，{at}，共 {count} 行）",
            "The lines it was found in (run {run}, file {file}, {at}; {count} line(s))",
        ),
        "app.cases.lines.rectified": (
            "确认已整改时的数据行（第{run}次运行，文件 {file}，{at}，共 {count} 行）",
            "The lines that showed it rectified (run {run}, file {file}, {at}; {count} line(s))",
        ),
        "app.cases.lines.reopened": (
            "重新立案时的数据行（第{run}次运行，文件 {file}，{at}，共 {count} 行）",
            "The lines it was found in again after rectification (run {run}, file {file}, {at}; {count} line(s))",
        ),
        "app.cases.lines.seen": (
            "再次发现时的数据行（第{run}次运行，文件 {file}，{at}，共 {count} 行）",
            "The lines of a later submission that found it again (run {run}, file {file}, {at}; {count} line(s))",
        ),
        "app.cases.lines.truncated": (
            "；运行记录保存了前 {stored} 行",
            "; the ledger kept the first {stored}",
        ),
        "app.cases.lines.none": (
            "运行记录没有保存该问题的数据行（由旧版本立案）；所依据的数据行位置：{sources}",
            "The ledger kept no lines for this case (opened by an older version); where they were: {sources}",
        ),
        "app.cases.ledger_only": (
            "督办台账直接读取运行记录文件，无需上传数据",
            "The case ledger is read from the ledger file; no data needs to be loaded",
        ),
        "app.cases.changes": ("自上次报送以来的变化", "Changes since the last submission"),
        "app.cases.changes_none": ("运行记录中还没有逐项记录", "The ledger has no recorded cells yet"),
        "app.cases.changes_unit": ("单位", "Unit"),
        "app.cases.changes_compared": ("对比", "Compared"),
        "app.cases.changes_cells": ("单元格变化", "Cells that changed"),
        "app.cases.changes_cases": ("督办问题", "Cases"),
        "app.cases.notice_download": (
            "下载整改通知书（XLSX，每单位一页）",
            "Download the rectification notices (XLSX, one page per unit)",
        ),
        "app.cases.notice_pdf": ("下载整改通知书（PDF）", "Download the rectification notices (PDF)"),
    }
)
