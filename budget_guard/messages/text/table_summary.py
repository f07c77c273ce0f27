"""Messages of the per-table load summary (realdocs, #10): what became of every table of a folder."""

TEXT: dict[str, tuple[str, str]] = {
    "tables.heading": ("各表读取情况（{count}张）：", "tables ({count}):"),
    "tables.read": ("已读取：{lines}行，计入{counted}", "read: {lines} lines, {counted} counted"),
    "tables.read_printed": ("（表中{lines}行合计{printed}）", " (the table: {lines} lines, {printed})"),
    "tables.outcome.read": ("已读取", "read"),
    "tables.outcome.not-spending": ("不是支出表", "not spending"),
    "tables.outcome.empty": ("空表", "empty"),
    "tables.outcome.repeated": ("重复", "repeated"),
    "tables.outcome.failed": ("读取失败", "failed"),
    "tables.reason": ("：{reason}", ": {reason}"),
    "tables.reason_after": ("；{reason}", "; {reason}"),
    "tables.money_unit": ("{amount}{unit}", "{amount} {unit}"),
    "tables.money_yuan": ("{amount}元", "{amount} yuan"),
    "tables.repeated_of": ("与{table}重复，已按该表计入", "repeats {table}; counted from it"),
    "tables.no_amounts": ("表中没有金额", "no amounts in the table"),
    "tables.col.title": ("表名", "table"),
    "tables.col.outcome": ("读取结果", "outcome"),
    "tables.col.reason": ("说明", "reason"),
    "tables.col.printed_total": ("表中合计（万元）", "Printed 合计 (10k CNY)"),
    "tables.col.scope": ("资金范围", "funding scope"),
    "tables.section": ("各表读取情况", "What became of each table"),
    "scope.general": ("一般公共预算财政拨款", "general public budget appropriations"),
    "scope.fund": ("政府性基金预算财政拨款", "government fund appropriations"),
    "scope.state-capital": ("国有资本经营预算财政拨款", "state capital budget appropriations"),
    "scope.appropriation": ("财政拨款", "all budget appropriations"),
    "scope.all-funds": ("全部资金（财政拨款和其他资金）", "all funds (appropriations and other funds)"),
    "problem.title.aliases-invalid": ("部门别名表无法使用", "alias file invalid"),
    "problem.hint.aliases-invalid": (
        "按提示改正别名表中指出的那一行；本次未使用别名读取",
        "Fix the line named; the tables were read without aliases.",
    ),
    "problem.title.department-linked": ("部门名称已关联", "departments linked"),
    "problem.hint.department-linked": (
        "提示：按别名表或部门编码，把改名前后的部门视为同一部门比较",
        "Informational: declared aliases or a shared 部门编码 link renamed departments across years.",
    ),
    "problem.title.code-name-other-year": ("其他年度的科目名称", "name of another year"),
    "problem.hint.code-name-other-year": (
        "提示：政府收支分类科目在年度之间有更名，按编码比较",
        "Informational: the classification renames some 类/款 between years; the code is what is compared.",
    ),
    "problem.title.code-suggested": ("编码印错", "misprinted code"),
    "problem.hint.code-suggested": (
        "改正表中印错的编码；改正前该行金额不计入（由其上级行代替）",
        "Correct the printed code; the row's money is not counted until it is (its parent row stands in for it).",
    ),
    "problem.title.operating-printed": ("另列机关运行经费", "机关运行经费 printed"),
    "problem.hint.operating-printed": (
        "提示：表中列出机关运行经费时，运行经费按此数计量；未列出的部门和年度按支出明细计量",
        "Informational: where a table prints 机关运行经费, 运行经费 is measured on that figure; "
        "elsewhere on the spending lines.",
    ),
    "tables.total_agrees": ("，与表中合计相符", ", equal to the table's 合计"),
    "tables.total_differs": (
        "，表中合计{printed}，明细之和与之相差{gap}（见舍入或不符提示）",
        ", the table's 合计 is {printed}; the lines differ from it by {gap} (see the rounding or mismatch notice)",
    ),
    "tables.operating_used": (
        "运行经费按本表所列机关运行经费{amount}计量（这笔钱已在基本支出各行中，只用于运行经费，不是另一笔支出）；"
        "同一部门同年同口径的其他{count}行标注“机关运行经费另列”，不再计入运行经费",
        "运行经费 is measured on the 机关运行经费 this table prints ({amount}; money already in the basic "
        "spending lines, used for 运行经费 only, not more spending); the department-year's other {count} "
        "lines are tagged 机关运行经费另列 and not counted for it again",
    ),
}
