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
    "case.event.level_raised": (
        "等级升为 {to_level}，新整改时限 {deadline}",
        "Level raised to {to_level}, new deadline {deadline}",
    ),
    "case.event.escalated.deadline": (
        "逾期未整改，由 {from_level} 升为 {to_level}（原时限 {deadline_was}，新时限 {deadline}）",
        "Not rectified by the deadline: {from_level} → {to_level} (was due {deadline_was}, now due {deadline})",
    ),
    "case.event.escalated.consecutive_runs": (
        "连续 {runs} 次运行发现，由 {from_level} 升为 {to_level}（新时限 {deadline}）",
        "Found in {runs} runs in a row: {from_level} → {to_level} (now due {deadline})",
    ),
    "case.event.listed.deadline": (
        "红色问题逾期未整改（时限 {deadline_was}），挂牌督办",
        "Red past its deadline ({deadline_was}): listed for supervision",
    ),
    "case.event.listed.consecutive_runs": (
        "红色问题连续 {runs} 次运行发现，挂牌督办",
        "Red found in {runs} runs in a row: listed for supervision",
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
    # CLI
    "cli.cases_changes": (
        "督办问题：新立案 {opened}，再次发现 {seen}，升级 {escalated}，挂牌督办 {listed}，已整改 {rectified}，重新立案 {reopened}",
        "Cases: opened {opened}, found again {seen}, escalated {escalated}, listed {listed}, rectified {rectified}, reopened {reopened}",
    ),
    "cli.cases_ledger": ("督办台账：{path}", "Case ledger: {path}"),
    "cli.cases_not_updated": (
        "有文件读取失败，本次未更新督办问题（部分数据不能作为整改依据）",
        "Some files could not be read, so no case was updated (partial data cannot rectify a case)",
    ),
    "cli.cases_none": ("没有符合条件的督办问题", "No case matches"),
    "cli.cases_noted": (
        "已记录 {number} 的整改情况（{who}），状态：{state}",
        "Note recorded on {number} ({who}); state: {state}",
    ),
    "cli.cases_closed": ("{number} 已销号（{who}）", "{number} closed ({who})"),
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
    }
)
