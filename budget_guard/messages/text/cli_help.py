"""The command line's own words: every command's and option's help, and Click's messages in Chinese.

``cli.cmd.<command path>`` is a command's help, ``cli.opt.<option>`` an option's help shared by the
commands that take it, ``cli.opt.<command path>.<option>`` one command's own wording. The English
side is what ``--help`` prints in English; ``cli/language.py`` puts the right side in place before
Click parses anything. ``click.<msgid>`` are Click's own messages (its gettext ids) in Chinese.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # commands
    "cli.cmd.root": (
        "budget-guard：部门预算表的过紧日子与四个只增不减护栏检查。",
        "budget-guard: 过紧日子 and 四个只增不减 guardrail checks on department budget tables.",
    ),
    "cli.cmd.check": (
        "检查 FILE_OR_DIR…（文件或文件夹），并把报告写入 --out。",
        "Check FILE_OR_DIR... and write the reports into --out.",
    ),
    "cli.cmd.batch": (
        "处理收件箱中的每个新文件（新文件：内容哈希不在台账中）。\n\n"
        "使用 --ledger 时，挂牌督办事项记在该文件中，它同时也是批处理台账（--state）。",
        "Process every new file in INBOX (new = content hash not in the ledger).\n\n"
        "With --ledger the cases are tracked in that file, which is also the batch ledger (--state).",
    ),
    "cli.cmd.history": (
        "列出台账中的批处理运行及其结果（最新的在前）。",
        "List batch runs and their outcome from the ledger (newest first).",
    ),
    "cli.cmd.rules": ("规则文件命令。", "Rules file commands."),
    "cli.cmd.rules.check": (
        "校验规则文件；错误会指出行号和键（有效退出码0，无效退出码2）。",
        "Validate a rules file; errors name the line and key (exit 0 valid, 2 invalid).",
    ),
    "cli.cmd.cases": (
        "挂牌督办事项：列出、查看、添加整改情况、销号、导出督办单和整改通知书、查看自上次报送以来的变化。",
        "挂牌督办 cases: list, show, add a 整改情况 note, close (销号), export the 督办单 and the 整改通知书, "
        "see what changed since the last submission.",
    ),
    "cli.cmd.cases.notice": (
        "整改通知书：每个责任单位一页，列出其待整改事项（XLSX；PDF 由 LibreOffice 生成）。",
        "整改通知书: one page per 责任单位 with its waiting cases (XLSX, and PDF through LibreOffice).",
    ),
    "cli.cmd.cases.changes": (
        "自上次报送以来的变化（按单位）：转为红色、黄色或达标的单元格，新立案、已整改、升级的事项"
        "（本次报送对比上一次不同数据的运行；同一数据再次运行不算报送）。",
        "What changed since the last submission, per unit: cells turned red/yellow/达标, cases opened, "
        "rectified, escalated (this run against the previous run of different data; re-runs are not submissions).",
    ),
    "cli.cmd.cases.list": (
        "未销号的督办事项，逾期的在前（筛选：--state、--level、--department、--overdue、--all）。",
        "Open cases, overdue first (filters: --state, --level, --department, --overdue, --all).",
    ),
    "cli.cmd.cases.show": (
        "一个督办事项：所涉内容、背后的明细行及全部历史。",
        "One case: what it is about, the lines behind it, and its whole history.",
    ),
    "cli.cmd.cases.note": (
        "添加整改情况（待整改 → 整改中）；记录操作系统用户和时间。",
        "Add a 整改情况 note (待整改 → 整改中); recorded with the OS user and the time.",
    ),
    "cli.cmd.cases.close": (
        "销号一个督办事项（已销号），须说明理由；记录操作系统用户和时间。",
        "Close a case (已销号) with a reason; recorded with the OS user and the time.",
    ),
    "cli.cmd.cases.export": (
        "写出督办单（每个未销号事项一行、概览、历史），格式为 XLSX/HTML/Markdown/JSON。",
        "Write the 督办单 (one row per open case, overview, history) as XLSX/HTML/Markdown/JSON.",
    ),
    "cli.cmd.cases.sweep": (
        "立即按升级阶梯处理督办事项，不必运行检查（例如在两次批处理之间每天由 cron 运行）。",
        "Apply the escalation ladder now, without a run (e.g. daily from cron between batches).",
    ),
    "cli.cmd.convert": (
        "一次读取表格文件，把其规范行写成 Parquet，供 DuckDB 或 Spark 引擎（--engine）使用。",
        "Read spreadsheets once and write their canonical lines as Parquet for --engine duckdb|spark.",
    ),
    "cli.cmd.sample": (
        "把示例数据（示例市的 CSV 与 XLSX、财政局公开表、一体化导出及标明预设问题的 manifest.json）写入所给文件夹，并列出写入的每个文件。",
        "Write the sample data (the sample city as CSV and XLSX, the 财政局's published tables, the 一体化 "
        "export, manifest.json of planted violations) into DIRECTORY and list every file written.",
    ),
    # options shared by several commands
    "cli.opt.version": ("显示版本并退出。", "Show the version and exit."),
    "cli.opt.help": ("显示本帮助并退出。", "Show this message and exit."),
    "cli.opt.rules_path": (
        "规则 YAML 文件（默认：随包提供的 rules/four_no_decrease.yaml）。",
        "Rules YAML (default: the packaged rules/four_no_decrease.yaml).",
    ),
    "cli.opt.out_dir": ("报告写入的文件夹。", "Folder for the reports."),
    "cli.opt.formats": (
        "报告格式，逗号分隔：json,xlsx,html,md（ge 为 Great Expectations，同 --ge）。",
        "Comma-separated report formats: json,xlsx,html,md (ge = Great Expectations, as --ge).",
    ),
    "cli.opt.fail_on": (
        "有发现达到或高于此等级时退出码为1（none：从不）。",
        "Exit 1 when a finding is at or above this level ('none': never).",
    ),
    "cli.opt.lang": (
        "报告和消息的语言（默认取 BUDGET_GUARD_LANG 或系统语言，否则中文）。",
        "Language of reports and messages (default: BUDGET_GUARD_LANG or the locale, else Chinese).",
    ),
    "cli.opt.stage": ("比较此口径（默认：规则中的口径）。", "Compare this stage (default: the rules')."),
    "cli.opt.department": (
        "未注明部门的表所属的部门名称。",
        "Department name for tables that do not state it.",
    ),
    "cli.opt.year": ("未注明年度的表所属的财政年度。", "Fiscal year for tables that do not state it."),
    "cli.opt.aliases": (
        "部门别名（YAML 或 CSV），使更名的部门作为同一部门比较。",
        "Department aliases (YAML or CSV) so a renamed department is compared as one.",
    ),
    "cli.opt.ledger_path": (
        "SQLite 台账：记录本次运行并更新其挂牌督办事项（docs/cases.md）。",
        "SQLite ledger: record this run and update its 挂牌督办 cases (docs/cases.md).",
    ),
    "cli.opt.as_json": (
        "在标准输出打印一行 JSON 摘要（供调度程序使用）。",
        "Print a JSON summary on stdout (for schedulers).",
    ),
    "cli.opt.ge": (
        "运行 Great Expectations 检查点并生成 Data Docs（每次运行需数秒；默认：关闭，--format 含 ge 时开启）。",
        "Run the Great Expectations checkpoint and build Data Docs (seconds per run; default: off, or on "
        "when --format lists ge).",
    ),
    "cli.opt.progress": (
        "在标准错误输出显示进度：auto 为在终端时显示文字，否则不显示。",
        "Progress on stderr: auto = text on a terminal, nothing otherwise.",
    ),
    "cli.opt.max_file_mb": ("单个输入文件的上限（MB）。", "Largest input file (MB)."),
    "cli.opt.max_unpacked_mb": (
        "压缩工作簿解压后的大小上限（MB）。",
        "Largest decompressed size of a zipped workbook (MB).",
    ),
    "cli.opt.max_cells": (
        "单个工作表已用区域的上限（行×列）。",
        "Largest used range of one sheet (rows x columns).",
    ),
    "cli.opt.max_cell_chars": (
        "单元格最大字符数；超出则拒收该行。",
        "Longest cell; a longer one rejects its row.",
    ),
    "cli.opt.max_amount_yuan": ("单行金额的上限（元）。", "Largest amount of one line (yuan)."),
    "cli.opt.engine": (
        "pandas：在内存中读取表格文件；duckdb / spark：读取规范 Parquet/CSV（见 convert）。",
        "pandas: spreadsheets in memory; duckdb / spark: canonical Parquet/CSV (see convert).",
    ),
    "cli.opt.spark_master": (
        "Spark 主节点地址（已有活动的 Spark 会话时忽略，例如在 spark-submit 下）。",
        "Spark master URL (ignored when a SparkSession is already active, e.g. under spark-submit).",
    ),
    "cli.opt.spark_table": (
        "Spark：读取此 Hive 目录表而不是路径（此时输入参数可任意给出，例如 '-'）。",
        "Spark: read this catalog (Hive) table instead of paths (give any INPUT, e.g. '-').",
    ),
    "cli.opt.states": ("只列此状态（可重复）。", "Only this state (repeatable)."),
    "cli.opt.levels": ("只列此等级（可重复）。", "Only this level (repeatable)."),
    "cli.opt.overdue": ("只列超过整改时限的事项。", "Only cases past their 整改时限."),
    "cli.opt.include_all": ("包括已整改和已销号的事项。", "Include 已整改 and 已销号 cases."),
    # one command's own wording
    "cli.opt.batch.out_dir": (
        "报告写入的文件夹（每个输入文件一个子文件夹）。",
        "Folder for the reports (one sub-folder per input file).",
    ),
    "cli.opt.batch.state_path": (
        "SQLite 台账（默认：OUT/budget-guard-ledger.sqlite）；锁文件为 STATE.lock。",
        "SQLite ledger (default: OUT/budget-guard-ledger.sqlite); the lock is STATE.lock.",
    ),
    "cli.opt.batch.reprocess": (
        "重新处理每个文件，即使其哈希已在台账中。",
        "Process every file again, even if its hash is in the ledger.",
    ),
    "cli.opt.batch.settle_seconds": (
        "修改时间不足此秒数的文件留待下次运行（默认：10，或 $BUDGET_GUARD_SETTLE_SECONDS）。",
        "Leave files modified less than this long ago for the next run [default: 10, or "
        "$BUDGET_GUARD_SETTLE_SECONDS].",
    ),
    "cli.opt.batch.follow_symlinks": (
        "读取收件箱中指向收件箱以外的符号链接（默认拒绝）。",
        "Read symlinks in the inbox that point outside it (refused by default).",
    ),
    "cli.opt.batch.department": (
        "收件箱中未注明部门的表所属的部门名称。",
        "Department name for inbox tables that do not state it.",
    ),
    "cli.opt.batch.year": (
        "收件箱中未注明年度的表所属的财政年度。",
        "Fiscal year for inbox tables that do not state it.",
    ),
    "cli.opt.batch.ge": (
        "运行 Great Expectations 检查点并生成 Data Docs（每次运行需数秒；默认：开启）。",
        "Run the Great Expectations checkpoint and build Data Docs (seconds per run; default: on).",
    ),
    "cli.opt.history.state_path": (
        "batch 写入的台账（或给出 --out）。",
        "The ledger batch wrote (or give --out).",
    ),
    "cli.opt.history.out_dir": (
        "batch 的 --out 文件夹（台账为 OUT/budget-guard-ledger.sqlite）。",
        "The batch --out folder (ledger OUT/budget-guard-ledger.sqlite).",
    ),
    "cli.opt.history.limit": ("列出最新的多少次运行。", "Newest runs to list."),
    "cli.opt.history.run_id": ("列出此次运行的文件。", "List the files of this run."),
    "cli.opt.cases.ledger_path": (
        "check/batch --ledger 写入的 SQLite 台账。",
        "The SQLite ledger check/batch --ledger wrote.",
    ),
    "cli.opt.cases.department": (
        "只列责任单位名称包含此文字的事项。",
        "Only cases whose responsible unit contains this text.",
    ),
    "cli.opt.cases.note.text": (
        "整改情况：该单位目前已做的整改。",
        "整改情况: what the unit has done so far.",
    ),
    "cli.opt.cases.close.reason": ("销号理由（必填）。", "Why the case is closed (销号理由); required."),
    "cli.opt.cases.export.out_dir": ("督办单写入的文件夹。", "Folder for the 督办单."),
    "cli.opt.cases.notice.out_dir": ("整改通知书写入的文件夹。", "Folder for the 整改通知书."),
    "cli.opt.cases.notice.formats": ("格式，逗号分隔：xlsx,pdf。", "Comma-separated: xlsx,pdf."),
    "cli.opt.cases.notice.department": (
        "只写责任单位名称包含此文字的通知书。",
        "Only the 责任单位 whose name contains this text.",
    ),
    "cli.opt.cases.changes.department": (
        "只列名称包含此文字的单位。",
        "Only units whose name contains this text.",
    ),
    "cli.opt.cases.changes.include_all": ("也列出没有变化的单位。", "Also list units with no change."),
    "cli.opt.cases.issuer": (
        "发文机关（默认取规则督办文书部分的发文机关）。",
        "发文机关 (default: the rules' supervision.papers.issuer).",
    ),
    "cli.opt.cases.doc_number": (
        "督办文号，例如 财督〔2025〕3号（默认取规则中的设置）。",
        "督办文号, e.g. 财督〔2025〕3号 (default: the rules').",
    ),
    "cli.opt.cases.paper_date": (
        "文书上的日期，按 年-月-日 书写（默认：今天，北京时间）。",
        "日期 on the paper, YYYY-MM-DD (default: today, Beijing time).",
    ),
    "cli.opt.cases.signer": (
        "签发人（默认取规则中的设置；未设置时留出签字横线）。",
        "签发人 (default: the rules'; unset: a line to sign on).",
    ),
    "cli.opt.cases.government_unit": (
        "本级合计问题的责任单位（默认取规则督办文书部分的设置）。",
        "责任单位 of government-level cases (default: the rules' supervision.papers.government_unit).",
    ),
    "cli.opt.cases.export.formats": (
        "格式，逗号分隔：xlsx,html,md,json。",
        "Comma-separated: xlsx,html,md,json.",
    ),
    "cli.opt.convert.out_dir": (
        "Parquet 数据集（lines.parquet）和 rejected.csv 写入的文件夹。",
        "Folder for the Parquet dataset (lines.parquet) and rejected.csv.",
    ),
    "cli.opt.convert.stream": (
        "一次读取一个表格文件并追加（文件夹大于内存时）；跨文件的检查只在各文件内进行，出现在多个文件中的分组会被列出。",
        "Read one spreadsheet at a time and append it (a folder larger than memory); checks across files "
        "then run within each file only, and groups found in several files are named.",
    ),
    # Click's own messages (its gettext message ids), shown in Chinese
    "click.Usage:": ("用法：", "Usage:"),
    "click.Options": ("选项", "Options"),
    "click.Commands": ("命令", "Commands"),
    "click.Show this message and exit.": ("显示本帮助并退出。", "Show this message and exit."),
    "click.Show the version and exit.": ("显示版本并退出。", "Show the version and exit."),
    "click.Error: {message}": ("错误：{message}", "Error: {message}"),
    "click.Try '{command} {option}' for help.": (
        "运行“{command} {option}”查看帮助。",
        "Try '{command} {option}' for help.",
    ),
    "click.No such option {name!r}.": ("没有选项 {name!r}。", "No such option {name!r}."),
    "click.No such command {name!r}.": ("没有命令 {name!r}。", "No such command {name!r}."),
    "click.Missing argument": ("缺少参数", "Missing argument"),
    "click.Missing option": ("缺少选项", "Missing option"),
    "click.Missing parameter": ("缺少参数", "Missing parameter"),
    "click.Missing command.": ("缺少命令。", "Missing command."),
    "click.Missing {param_type}": ("缺少{param_type}", "Missing {param_type}"),
    "click.Missing parameter: {param_name}": ("缺少参数：{param_name}", "Missing parameter: {param_name}"),
    "click.Invalid value for {param_hint}: {message}": (
        "{param_hint} 的值无效：{message}",
        "Invalid value for {param_hint}: {message}",
    ),
    "click.Invalid value: {message}": ("值无效：{message}", "Invalid value: {message}"),
    "click.{value!r} is not {choice}.": ("{value!r} 不是 {choice}。", "{value!r} is not {choice}."),
    "click.{value!r} is not one of {choices}.": (
        "{value!r} 不是 {choices} 之一。",
        "{value!r} is not one of {choices}.",
    ),
    "click.{value!r} is not a valid {number_type}.": (
        "{value!r} 不是有效的{number_type}。",
        "{value!r} is not a valid {number_type}.",
    ),
    "click.{value} is not in the range {range}.": (
        "{value} 不在范围 {range} 内。",
        "{value} is not in the range {range}.",
    ),
    "click.Option {name!r} requires an argument.": (
        "选项 {name!r} 需要一个值。",
        "Option {name!r} requires an argument.",
    ),
    "click.Option {name!r} requires {nargs} arguments.": (
        "选项 {name!r} 需要 {nargs} 个值。",
        "Option {name!r} requires {nargs} arguments.",
    ),
    "click.Option {name!r} does not take a value.": (
        "选项 {name!r} 不接受值。",
        "Option {name!r} does not take a value.",
    ),
    "click.Got unexpected extra argument ({args})": (
        "多余的参数（{args}）",
        "Got unexpected extra argument ({args})",
    ),
    "click.Got unexpected extra arguments ({args})": (
        "多余的参数（{args}）",
        "Got unexpected extra arguments ({args})",
    ),
    "click.Did you mean {possibility}?": ("您是否要输入 {possibility}？", "Did you mean {possibility}?"),
    "click.(Did you mean one of: {possibilities}?)": (
        "（您是否要输入以下之一：{possibilities}？）",
        "(Did you mean one of: {possibilities}?)",
    ),
    "click.{name} {filename!r} does not exist.": (
        "{name} {filename!r} 不存在。",
        "{name} {filename!r} does not exist.",
    ),
    "click.{name} {filename!r} is a directory.": (
        "{name} {filename!r} 是文件夹。",
        "{name} {filename!r} is a directory.",
    ),
    "click.{name} {filename!r} is a file.": (
        "{name} {filename!r} 是文件。",
        "{name} {filename!r} is a file.",
    ),
    "click.{name} {filename!r} is not readable.": (
        "{name} {filename!r} 不可读。",
        "{name} {filename!r} is not readable.",
    ),
    "click.{name} {filename!r} is not writable.": (
        "{name} {filename!r} 不可写。",
        "{name} {filename!r} is not writable.",
    ),
    "click.file": ("文件", "file"),
    "click.directory": ("文件夹", "directory"),
    "click.path": ("路径", "path"),
    "click.default: {default}": ("默认：{default}", "default: {default}"),
    "click.required": ("必填", "required"),
    "click.env var: {var}": ("环境变量：{var}", "env var: {var}"),
    "click.Aborted!": ("已中止！", "Aborted!"),
    "click.%(prog)s, version %(version)s": ("%(prog)s，版本 %(version)s", "%(prog)s, version %(version)s"),
    # metavars: what an option's value is
    "cli.metavar.options": ("[选项]", "[OPTIONS]"),
    "cli.metavar.subcommand": ("命令 [参数]...", "COMMAND [ARGS]..."),
    "cli.metavar.text": ("文本", "TEXT"),
    "cli.metavar.integer": ("整数", "INTEGER"),
    "cli.metavar.float": ("数值", "FLOAT"),
    "cli.metavar.integer range": ("整数", "INTEGER RANGE"),
    "cli.metavar.float range": ("数值", "FLOAT RANGE"),
    "cli.metavar.path": ("路径", "PATH"),
    "cli.metavar.file": ("文件", "FILE"),
    "cli.metavar.directory": ("文件夹", "DIRECTORY"),
}
