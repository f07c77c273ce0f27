"""Display names of raw values (statuses, layouts, booleans, problem kinds) and the texts of the
operations side (history table, batch log lines, hints), so no raw id reaches a Chinese screen.

``messages.value(prefix, raw, lang)`` looks these up; a raw value without an entry is shown as is,
which the all-strings test (tests/test_chinese_first.py) reports with its key.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # booleans, file and run statuses
    "value.bool.True": ("是", "yes"),
    "value.bool.False": ("否", "no"),
    "value.file_status.ok": ("已读取", "read"),
    "value.file_status.failed": ("无法读取", "unreadable"),
    "value.file_status.skipped": ("重复文件，已跳过", "duplicate, skipped"),
    "value.run_status.running": ("运行中", "running"),
    "value.run_status.ok": ("通过", "passed"),
    "value.run_status.findings": ("有督办事项", "findings"),
    "value.run_status.failed": ("有文件无法读取", "input failed"),
    "value.run_status.error": ("程序出错", "error"),
    "value.run_status.interrupted": ("已中断", "interrupted"),
    "value.run_status.no_input": ("无可比数据", "nothing compared"),
    "value.run_status.nothing_compared": ("未作任何同比（不可比）", "nothing compared"),
    "value.run_status.input_failed": ("有文件无法读取", "input failed"),
    "value.outcome.processed": ("已处理", "processed"),
    "value.outcome.failed": ("无法读取", "unreadable"),
    "value.outcome.error": ("处理出错", "error"),
    "value.outcome.nothing_compared": ("未作任何同比（不可比）", "nothing compared"),
    "value.fail_on.none": ("不设（从不以1退出）", "none (never exit 1)"),
    # table layouts (ingest/detect.py and the layout modules)
    "value.layout.long": ("明细长表", "long table"),
    "value.layout.wide": ("多年宽表", "multi-year wide table"),
    "value.layout.published": ("公开表", "published table"),
    "value.layout.side-by-side": ("左右并列表", "side-by-side table"),
    "value.layout.sangong": ("三公经费表", "三公 table"),
    "value.layout.empty": ("空表", "empty"),
    "value.layout.unknown": ("无法识别", "unknown"),
    "value.layout.no-data": ("无预算数据", "no budget data"),
    # problem kinds: a short name (instead of the code) and how to fix it
    "problem.title.file-not-found": ("文件不存在", "file not found"),
    "problem.title.file-empty": ("文件为空", "empty file"),
    "problem.title.file-corrupt": ("文件损坏", "corrupt file"),
    "problem.title.file-encrypted": ("有密码保护", "password-protected"),
    "problem.title.file-too-large": ("文件过大", "file too large"),
    "problem.title.file-unsupported": ("不支持的文件类型", "unsupported file type"),
    "problem.title.encoding-detected": ("文本编码", "text encoding"),
    "problem.title.encoding-unknown": ("无法识别编码", "unknown encoding"),
    "problem.title.sheet-empty": ("空工作表", "empty sheet"),
    "problem.title.layout-unknown": ("无法识别格式", "unknown layout"),
    "problem.title.no-code-column": ("缺编码列", "no code column"),
    "problem.title.no-amount-column": ("缺金额列", "no amount column"),
    "problem.title.missing-department": ("缺部门", "department unknown"),
    "problem.title.missing-year": ("缺年度", "year unknown"),
    "problem.title.header-merged": ("合并表头", "merged header"),
    "problem.title.amount-not-numeric": ("金额不是数字", "amount not a number"),
    "problem.title.amount-negative": ("金额为负", "negative amount"),
    "problem.title.code-malformed": ("编码格式不对", "malformed code"),
    "problem.title.code-missing": ("缺编码", "code missing"),
    "problem.title.code-unknown": ("编码不在字典中", "unknown code"),
    "problem.title.code-name-mismatch": ("编码与名称不符", "code and name differ"),
    "problem.title.year-invalid": ("年度无效", "invalid year"),
    "problem.title.stage-invalid": ("口径无效", "invalid stage"),
    "problem.title.department-missing": ("部门为空", "department empty"),
    "problem.title.duplicate-line": ("重复行", "duplicate line"),
    "problem.title.unit-mismatch": ("单位不一致", "unit mismatch"),
    "problem.title.unit-assumed": ("未注明单位", "unit assumed"),
    "problem.title.hierarchy-mismatch": ("层级合计不符", "hierarchy mismatch"),
    "problem.title.total-mismatch": ("合计不符", "total mismatch"),
    "problem.title.rounding-gap": ("四舍五入差异", "rounding gap"),
    "problem.title.file-duplicate": ("重复文件", "duplicate file"),
    "problem.title.sheet-skipped": ("跳过的工作表", "sheet skipped"),
    "problem.title.amount-missing": ("金额为空", "amount missing"),
    "problem.title.expense-type-invalid": ("支出类型无效", "invalid expense type"),
    "problem.title.header-duplicate": ("表头重复", "duplicate header"),
    "problem.title.column-ignored": ("未读取的列", "column ignored"),
    "problem.title.unit-varies": ("各表单位不同", "units vary"),
    "problem.title.subtotal-parts-mismatch": ("合计与分项不符", "subtotal and parts differ"),
    "problem.title.table-overlap": ("表间重复计数", "tables overlap"),
    "problem.title.table-repeated": ("重复的表", "table repeated"),
    "problem.title.unit-argument-ignored": ("指定单位未采用", "unit argument ignored"),
    "problem.title.argument-invalid": ("参数无效", "invalid argument"),
    "problem.title.read-failed": ("读取出错", "read failed"),
    "problem.title.sangong-car-unsplit": ("公务用车未分列", "car costs not split"),
    "problem.title.table-empty": ("空表", "empty table"),
    "problem.title.sangong-below-basic": ("三公经费表小于基本支出表", "三公 below the basic table"),
    "problem.title.scope-exceeds-all-funds": ("分表大于全部资金表", "part exceeds all funds"),
    "problem.hint.table-empty": (
        "仅供参考：没有政府性基金或国有资本经营预算的部门，相应的表按规定公开为空表",
        "Informational: a 政府性基金/国有资本经营 table of a department without such money is printed empty.",
    ),
    "problem.hint.sangong-below-basic": (
        "三公经费表包含全部财政拨款（基本支出和项目支出），不应小于基本支出表；请核对两张表",
        "The 三公 table covers all 财政拨款 (basic and project): it cannot be less than the basic table; check both tables.",
    ),
    "problem.hint.scope-exceeds-all-funds": (
        "支出决算表包含全部资金，不应小于一般公共预算或政府性基金支出表；请核对两张表",
        "The 支出决算表 covers all funds and cannot hold less than the 一般公共预算/政府性基金 tables; check both tables.",
    ),
    "problem.hint.file-not-found": ("请检查路径", "Check the path."),
    "problem.hint.file-empty": (
        "请重新导出表格；0字节的文件没有数据",
        "Export the table again; a 0-byte file has no data.",
    ),
    "problem.hint.file-corrupt": (
        "请用 Excel 或 WPS 打开后另存，或重新导出",
        "Open and re-save it in Excel/WPS, or export it again.",
    ),
    "problem.hint.file-encrypted": (
        "请取消密码（文件→信息→保护工作簿）后保存",
        "Remove the password (文件→信息→保护工作簿) and save again.",
    ),
    "problem.hint.file-too-large": (
        "请拆分文件，或用 --max-file-mb 提高上限",
        "Split the file, or raise the limit with --max-file-mb.",
    ),
    "problem.hint.file-unsupported": ("请另存为 .xlsx、.xls 或 .csv", "Save as .xlsx, .xls or .csv."),
    "problem.hint.encoding-detected": (
        "仅供参考：读取 CSV 时使用的编码",
        "Informational: which encoding was used to read a CSV.",
    ),
    "problem.hint.encoding-unknown": (
        "请把 CSV 另存为 UTF-8 编码（Excel 中选“CSV UTF-8”）",
        "Save the CSV as UTF-8 (CSV UTF-8 in Excel).",
    ),
    "problem.hint.sheet-empty": ("仅供参考", "Informational."),
    "problem.hint.layout-unknown": (
        "请使用明细长表模板（见 README），或一种公开表格式",
        "Use the long template (see README) or one of the published table layouts.",
    ),
    "problem.hint.no-code-column": (
        "请增加“功能分类科目编码”或“经济分类科目编码”列（或类/款/项列）",
        "Add a column 功能分类科目编码 or 经济分类科目编码 (or 类/款/项 columns).",
    ),
    "problem.hint.no-amount-column": (
        "请增加“金额”列（或“2025年预算数”这样的年度列）",
        "Add a column 金额 / amount (or year columns such as 2025年预算数).",
    ),
    "problem.hint.missing-department": (
        "请增加“部门”列，或用 --department 指定部门",
        "Add a 部门 column or give --department.",
    ),
    "problem.hint.missing-year": (
        "请增加“年度”列、“2025年……”这样的标题，或用 --year 指定年度",
        "Add a 年度 column, a title such as 2025年…, or give --year.",
    ),
    "problem.hint.header-merged": ("仅供参考", "Informational."),
    "problem.hint.amount-not-numeric": (
        "请填写数字（如1234.56），去掉金额单元格中的文字、单位和空格",
        "Type a number (1234.56); remove text, units and spaces from amount cells.",
    ),
    "problem.hint.amount-negative": (
        "请核实是否为红字冲销",
        "Check whether this is a correction (红字冲销).",
    ),
    "problem.hint.code-malformed": (
        "功能分类编码为3、5或7位数字，经济分类编码为3或5位数字，不含字母",
        "Functional codes have 3, 5 or 7 digits, economic codes 3 or 5; no letters.",
    ),
    "problem.hint.code-missing": ("请为这一行填写编码", "Fill in the code for this line."),
    "problem.hint.code-unknown": (
        "请核对编码；如编码有效，可用 --codes 指定补充的编码表",
        "Check the code; if it is valid, add it with --codes YOUR.csv.",
    ),
    "problem.hint.code-name-mismatch": ("请核对编码或名称", "Check the code or the name."),
    "problem.hint.year-invalid": ("请填写4位年度，如2025", "Use a 4-digit fiscal year such as 2025."),
    "problem.hint.stage-invalid": ("请填写预算数、调整预算数或决算数", "Use 预算数, 调整预算数 or 决算数."),
    "problem.hint.department-missing": ("请填写部门", "Fill in the department."),
    "problem.hint.duplicate-line": (
        "如为重复录入，请删除其中一行",
        "Remove one of the two lines if it was entered twice.",
    ),
    "problem.hint.unit-mismatch": (
        "请把各表统一为一种单位（元或万元）并注明",
        "Convert every table to one unit (元 or 万元) and state it.",
    ),
    "problem.hint.unit-assumed": (
        "请在表上方注明“单位：元”或“单位：万元”",
        "State 单位：元 or 单位：万元 above the table.",
    ),
    "problem.hint.hierarchy-mismatch": (
        "上级行（类、款）应等于其下各项之和",
        "A parent row (类/款) must equal the sum of its 项 rows.",
    ),
    "problem.hint.total-mismatch": ("请核对合计行或明细行", "Check the total or the lines."),
    "problem.hint.rounding-gap": (
        "仅供参考：每个印制数最多差其末位的一半，几个数相加的差额可达上述上限；超出上限时为警告",
        "Informational: each printed figure may be off by half its last digit, so a sum may be off by up to the allowance shown; beyond it is a warning.",
    ),
    "problem.hint.file-duplicate": (
        "每个文件只需提供一次；同一张表读两次会重复计数",
        "Pass each file once; reading the same table twice would count its money twice.",
    ),
    "problem.hint.sheet-skipped": (
        "仅供参考：封面、说明和收入表不读取",
        "Informational: cover pages, notes and 收入 tables are not read.",
    ),
    "problem.hint.amount-missing": ("请填写金额；为零请填0", "Type the amount; write 0 if the line is zero."),
    "problem.hint.expense-type-invalid": ("请填写基本支出或项目支出", "Use 基本支出 or 项目支出."),
    "problem.hint.header-duplicate": ("请重命名或删除其中一列", "Rename or delete one of the two columns."),
    "problem.hint.column-ignored": (
        "仅供参考：增减额、增减%等派生列由本工具重新计算；如需读取，请重命名该列",
        "Informational: derived columns such as 增减额 and 增减% are recomputed by budget-guard; rename a column to read it.",
    ),
    "problem.hint.unit-varies": (
        "请确认每张表都注明了单位；最好全部使用同一单位",
        "Check that each table states its unit; better, use one unit throughout.",
    ),
    "problem.hint.subtotal-parts-mismatch": (
        "合计列应等于其分项之和（基本支出+项目支出，人员经费+公用经费）",
        "A 合计 column must equal the sum of its parts (基本支出 + 项目支出, 人员经费 + 公用经费).",
    ),
    "problem.hint.table-overlap": (
        "关注合计时，每种分类只读入一张表（如只读一般公共预算支出表），或按来源选择明细行",
        "Load one table per classification (e.g. only the 一般公共预算支出表) when totals matter, or select lines by source.",
    ),
    "problem.hint.table-repeated": (
        "仅供参考：每笔金额只计一次；如该表不应出现，请删除",
        "Informational: each amount is counted once. Remove the repeated table if it should not be there.",
    ),
    "problem.hint.unit-argument-ignored": (
        "请核对指定的单位或表中的单位行",
        "Check the unit argument or the unit line.",
    ),
    "problem.hint.argument-invalid": (
        "年度为4位数字，口径为预算数/调整预算数/决算数，单位为元/万元",
        "Use a 4-digit year, a stage 预算数/调整预算数/决算数 (budget/adjusted/final) and a unit 元/万元.",
    ),
    "problem.hint.read-failed": (
        "这是本工具的缺陷，请连同文件一起报告；其他文件已正常读取",
        "Please report this with the file; the other files were read.",
    ),
    "problem.hint.sangong-car-unsplit": (
        "请按三公经费表模板把该列分为购置费和运行费",
        "Split the column into 购置费 and 运行费, as the 三公经费 template does.",
    ),
    # errors: the hint line printed under every error
    "cli.hint": ("提示：{hint}", "hint: {hint}"),
    # history (budget-guard history)
    "history.run": ("运行", "run"),
    "history.started": ("开始时间（北京时间）", "started (Beijing time)"),
    "history.finished": ("结束时间（北京时间）", "finished (Beijing time)"),
    "history.status": ("状态", "status"),
    "history.exit": ("退出码", "exit"),
    "history.new": ("新文件", "new"),
    "history.failed": ("失败", "failed"),
    "history.skipped": ("跳过", "skipped"),
    "history.worst": ("最高等级", "worst"),
    "history.processed_at": ("处理时间（北京时间）", "processed (Beijing time)"),
    "history.sha": ("内容哈希", "sha256"),
    "history.size": ("大小（字节）", "size (bytes)"),
    "history.file": ("文件", "file"),
    "history.message": ("说明", "message"),
    "history.no_run": (
        "运行记录中没有第{run}次运行（共{count}次，最近一次为第{last}次）",
        "no run {run} in the ledger ({count} runs, the latest is {last})",
    ),
    "history.no_run_hint": (
        "不带 --run 运行 history 可列出全部运行",
        "run history without --run to list the runs",
    ),
    "history.no_files": ("第{run}次运行没有处理任何新文件", "run {run} processed no new file"),
    # batch log lines and the terminal summary
    "cli.log_line": ("{time} [运行 {run}] {text}", "{time} [run {run}] {text}"),
    "cli.red_findings": ("红色督办事项{count}项：", "{count} red finding(s):"),
    "cli.red_more": ("……另{count}项，详见报告", "… {count} more, see the report"),
    "cli.batch_red_file": ("{name}：红色督办事项{count}项", "{name}: {count} red finding(s)"),
    "col.problem": ("问题", "Problem"),
    # levels in a matrix cell, beside the rate
    "level_short.compliant": ("达标", "OK"),
    "level_short.white": ("白色", "White"),
    "level_short.yellow": ("黄色", "Yellow"),
    "level_short.red": ("红色", "Red"),
    # dashboard at a glance
    "app.matrix.click": (
        "点击矩阵中的单元格，查看构成该数字的明细行（全部范围时为该格最严重的范围）",
        "Click a cell of the matrix to see the lines behind it (for all scopes: the cell's worst scope)",
    ),
    "app.matrix.level_rate": ("等级与增减率", "Level and rate"),
    "app.matrix.opened": ("明细：{scope} · {category} · {year}年", "Lines: {scope} · {category} · {year}"),
    "app.matrix.close": ("关闭明细", "Close"),
    "app.matrix.table_caption": (
        "窄屏显示为表格：类别、年度、等级、增减率",
        "Narrow screen: the matrix as a table",
    ),
    "app.problems.card": ("数据问题", "Data problems"),
    "app.problems.card_none": ("读取时未发现数据问题", "No data problems found while reading"),
    "app.problems.card_counts": (
        "错误{error}条、警告{warning}条、提示{notice}条",
        "{error} error(s), {warning} warning(s), {notice} notice(s)",
    ),
    "app.problems.card_more": (
        "全部问题见“读取报告”（按严重程度排序）",
        "All problems: see 'Load report' (worst first)",
    ),
    "app.choose": ("请选择", "Choose"),
    "app.chart.matrix": (
        "合规矩阵：各类别逐年的等级与增减率",
        "Compliance matrix: level and rate by category and year",
    ),
    "app.restored": (
        "已恢复本次会话上次上传的{count}个文件：{names}（按内容哈希保存在服务器缓存中，刷新页面不会丢失；关闭服务器后清除）",
        "Restored the {count} file(s) last uploaded in this session: {names} (kept by content hash in the server cache, so a reload keeps them; cleared when the server stops)",
    ),
    "app.upload.drop": ("把文件拖到这里", "Drag and drop files here"),
    "app.upload.limit": ("每个文件不超过{mb}MB · xlsx、xls、csv", "Limit {mb}MB per file · xlsx, xls, csv"),
    "app.upload.browse": ("选择文件", "Browse files"),
    "app.upload.help": (
        "可一次选择多个文件；同一部门同一年度的多张公开表会一起读取",
        "Several files at once; the published tables of one department and year are read together",
    ),
    "app.rules.upload_help": (
        "规则文件为 UTF-8 编码的 YAML，格式见 README",
        "A UTF-8 YAML rules file, see README",
    ),
    # time zone shown next to every time
    "time.beijing": ("北京时间", "Beijing time"),
}
