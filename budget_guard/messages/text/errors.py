"""Errors a user can cause and fix: what is wrong and how to fix it (``BudgetGuardError.from_key``).

Each key ``error.<area>.<name>`` is the message; ``error.<area>.<name>.hint`` (optional) the fix.
``detail`` carries a library's own English text and is shown in English only.
"""

TEXT: dict[str, tuple[str, str]] = {
    # -- input files and folders ---------------------------------------------------------------------
    "error.input.path_missing": ("文件或文件夹不存在", "file or folder not found"),
    "error.input.path_missing.hint": ("请检查路径", "check the path"),
    "error.input.file_missing": ("文件不存在", "file not found"),
    "error.input.no_tables": (
        "没有找到可读取的表格文件（{suffixes}）",
        "no readable table files found ({suffixes})",
    ),
    "error.input.other_department": (
        "表中已注明部门（{stated}），与 --department {department} 不符，未做检查",
        "the table states its own department(s) ({stated}), not --department {department}; nothing was checked",
    ),
    "error.input.other_department.hint": (
        "--department 只用于未注明部门的表；只检查某个部门时，请只提供该部门的文件，或去掉 --department",
        "--department only names tables that do not state a department; to check one department, "
        "pass only its files, or drop --department",
    ),
    "error.input.lines_without": (
        "{count}行没有{field_zh}（表中位置：{rows}）",
        "{count} line(s) have no {field_en} (positions: {rows})",
    ),
    "error.input.lines_without.hint": (
        "每行都需要{field_zh}；由本程序读取表格文件时，这类行会被拒收并说明原因",
        "every line needs a {field_en}; read_budget rejects such rows with a reason",
    ),
    "error.input.inbox_missing": ("收件文件夹不存在", "inbox folder not found"),
    "error.input.out_inside_inbox": ("输出文件夹在收件文件夹之内", "the output folder is inside the inbox"),
    "error.input.out_inside_inbox.hint": ("--out 请指定收件文件夹之外的文件夹", "give --out a folder outside the inbox"),
    # -- outputs --------------------------------------------------------------------------------------
    "error.output.report_formats": (
        "未知的报告格式：{unknown}；可选：{choices}",
        "unknown report format(s): {unknown}; choose from {choices}",
    ),
    "error.output.case_sheet_formats": (
        "未知的督办单格式：{unknown}；可选：{choices}",
        "unknown format(s): {unknown}; choose from {choices}",
    ),
    "error.output.notice_formats": (
        "未知的通知书格式：{unknown}；可选：{choices}",
        "unknown format(s): {unknown}; choose from {choices}",
    ),
    "error.output.pdf_needs_libreoffice": (
        "生成 PDF 需要 LibreOffice，本机未安装；XLSX 已生成",
        "making the PDF needs LibreOffice (soffice), which is not installed; the XLSX was written",
    ),
    "error.output.pdf_needs_libreoffice.hint": (
        "请安装 LibreOffice（服务器上安装其无界面的电子表格组件即可），或只导出 XLSX",
        "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-calc-nogui) or export XLSX only",
    ),
    "error.output.pdf_failed": ("LibreOffice 未能生成 PDF", "LibreOffice could not make the PDF: {detail}"),
    "error.output.pdf_failed.hint": ("XLSX 已生成，可用 Excel 或 WPS 打印", "the XLSX was written; print it from Excel or WPS"),
    "error.output.cannot_write": ("无法写入报告（{reason}）", "cannot write the reports ({reason})"),
    "error.output.cannot_write.hint": (
        "清理磁盘空间或检查 --out 文件夹的写权限后重新运行；本文件下次会重新处理",
        "free disk space or check write access to --out, then run again; this file is redone next run",
    ),
    "error.output.cannot_create": ("无法创建输出文件夹（{reason}）", "cannot create the output folder ({reason})"),
    # -- the ledger -----------------------------------------------------------------------------------
    "error.ledger.missing": ("找不到运行记录文件", "ledger file not found"),
    "error.ledger.missing.hint": ("用 {option} 指定运行时使用的文件", "pass the {option} file the run used"),
    "error.ledger.not_sqlite": (
        "运行记录文件不是可用的 SQLite 数据库",
        "the ledger is not a usable SQLite database: {detail}",
    ),
    "error.ledger.not_sqlite.hint": (
        "用 --ledger 指定另一个文件，或从备份恢复",
        "pass another --ledger file or restore it from a backup",
    ),
    "error.ledger.cases_too_new": (
        "运行记录中的督办表是第{version}版，本程序只认识到第{known}版",
        "the ledger's cases tables are version {version}; this budget-guard knows up to {known}",
    ),
    "error.ledger.cases_too_new.hint": ("请升级 budget-guard", "upgrade budget-guard"),
    "error.ledger.no_history_file": ("请给出 --state 文件或 --out 文件夹", "give --state FILE or --out DIR"),
    # -- cases ----------------------------------------------------------------------------------------
    "error.case.unknown_number": ("没有督办编号为 {number} 的问题", "no case numbered {number}"),
    "error.case.unknown_number.hint": ("用 budget-guard cases list 查看编号", "see the numbers with budget-guard cases list"),
    "error.case.note_empty": ("整改情况不能为空", "the note is empty"),
    "error.case.paper_date": ("--date 不是有效日期：{value}", "--date is not a valid date: {value}"),
    "error.case.paper_date.hint": ("按 年-月-日 书写，例如 2025-03-01", "write it as YYYY-MM-DD, e.g. 2025-03-01"),
    "error.case.paper_option_empty": ("{option} 不能为空", "{option} cannot be empty"),
    "error.case.already_closed": ("{number} 已销号", "{number} is already closed"),
    "error.case.reason_missing": ("销号必须说明理由", "closing a case needs a reason"),
    "error.case.reason_missing.hint": ("用 --reason 说明", "give --reason"),
    "error.case.close_needs_sign_in": (
        "红色或挂牌督办的问题须由已登录的人员销号",
        "a red or listed (挂牌督办) case can only be closed by a signed-in person",
    ),
    # -- engines --------------------------------------------------------------------------------------
    "error.engine.no_tables": (
        "没有找到 Parquet 或 CSV 文件（规范列格式；表格文件请先用 budget-guard convert 转换）",
        "no Parquet or CSV files found (canonical columns; convert spreadsheets with budget-guard convert)",
    ),
    "error.engine.unreadable": ("DuckDB 无法读取输入", "DuckDB cannot read the input: {detail}"),
    "error.engine.lines_without_department": ("{count}行没有部门", "{count} line(s) have no department"),
    "error.engine.query_failed": ("DuckDB 查询失败", "DuckDB query failed: {detail}"),
    "error.engine.spark_table_only": ("--spark-table 只用于 --engine spark", "--spark-table needs --engine spark"),
    # -- rules files ----------------------------------------------------------------------------------
    "error.rules.no_supervision": (
        "规则文件没有 \"supervision\"（挂牌督办）段，无法跟踪督办问题",
        "the rules have no supervision section, so cases cannot be tracked",
    ),
    "error.rules.duplicate_key": ("重复的键（首次出现在第{first}行）", "duplicate key (first at line {first})"),
    "error.rules.too_large": (
        "规则文件过大（{size}字符，上限{limit}）",
        "rules file too large ({size} characters, limit {limit})",
    ),
    "error.rules.alias": (
        "不允许使用 YAML 别名（*名称）：请把引用的内容直接写出",
        "YAML aliases (*name) are not allowed in rules files: write the value out",
    ),
    "error.rules.too_deep": ("YAML 嵌套层数过多", "YAML nested too deeply"),
    "error.rules.syntax": ("YAML 语法错误：{problem_zh}", "YAML syntax error: {problem_en}"),
    "error.rules.not_mapping": ("文件不是一个 YAML 映射", "file is not a YAML mapping"),
    "error.rules.missing": ("规则文件不存在", "rules file not found"),
    "error.rules.not_utf8": ("规则文件不是 UTF-8 编码", "rules file is not UTF-8"),
    "error.rules.code_unquoted": (
        "{what_zh} {value} 没有加引号：编码要写成带引号的文本，原样写出每一位，如 {example}"
        "（不加引号时 YAML 会把它当作数字，开头的0会丢失）",
        "{what_en} {value} is not quoted: write codes as quoted text with every digit, e.g. {example} "
        "(unquoted, YAML reads a number and drops leading zeros)",
    ),
    "error.rules.code_malformed": ("{what_zh}“{value}”格式不对", "{what_en} '{value}' is not a valid code"),
    "error.rules.selector_empty": ("选择器为空，至少需要一个条件", "selector has no condition"),
    "error.rules.band_compliant": ("缺口区间的等级不能是达标（\"compliant\"）", "a shortfall band cannot be 'compliant'"),
    "error.rules.last_band_open": (
        "最后一个区间必须写 max_shortfall_pp: null（覆盖更大的缺口）",
        "the last band must have max_shortfall_pp: null (covers any larger shortfall)",
    ),
    "error.rules.bands_order": (
        "各区间的 max_shortfall_pp 须从小到大排列，只有最后一个为 null",
        "bands must be in increasing max_shortfall_pp order, only the last one null",
    ),
    "error.rules.gap_compliant": (
        "缺数据、不可比的情况不能定为达标（\"compliant\"），请改为 \"white\"、\"yellow\" 或 \"red\"",
        "a gap in the data (not comparable / no data) cannot be 'compliant'; use white, yellow or red",
    ),
    "error.rules.directions_missing": ("缺少以下方向的分级规则：{names}", "grading for direction(s) missing: {names}"),
    "error.rules.unknown_group": (
        "第{number}个类别的护栏组“{group}”不是已定义的护栏组（{groups}）",
        "category {number}: group '{group}' is not one of the groups {groups}",
    ),
    "error.rules.disclosure_stages_in_budget": (
        "预算公开的义务“{id}”不能要求“预算数和决算数都列示”：这项检查只用于决算公开",
        "budget disclosure obligation '{id}' cannot require both 预算数 and 决算数 (check: both_stages is for 决算 only)",
    ),
    "error.rules.disclosure_check_role": (
        "公开义务“{id}”的这项检查（三公各项、预算数和决算数）只适用于三公经费表",
        "disclosure obligation '{id}': the sangong_items and both_stages checks apply to the 三公 table only (table.role: sangong)",
    ),
    "error.rules.duplicate_ids": ("{what} 中编号（\"id\"）重复：{ids}", "duplicate {what} id(s): {ids}"),
    # -- details of file problems (shown in the reader's language) -----------------------------------------
    "detail.unpacked_over": ("超过 {mb} MB", "more than {mb} MB"),
    "detail.inflates_over": ("{member} 压缩比超过 {ratio} 倍", "{member} inflates more than {ratio} times"),
}
