"""The catalogue of problem kinds found while reading and checking budget tables.

Each kind has a stable ``code`` (used in JSON reports and tests), a severity, zh/en message
templates filled from the problem's details, and a one-line description of what it means and
how to fix it. Problems that do not stop a run are records in the load report, not exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd


class Severity(StrEnum):
    error = "error"  # the row or file could not be used
    warning = "warning"  # used, but something is inconsistent and needs a look
    notice = "notice"  # informational (rounding, unknown code, encoding used)


@dataclass(frozen=True)
class ProblemKind:
    code: str
    severity: Severity
    zh: str
    en: str
    description: str


_KINDS = [
    # file level
    ProblemKind("file-not-found", Severity.error, "文件不存在", "file not found", "Check the path."),
    ProblemKind(
        "file-empty",
        Severity.error,
        "文件为空",
        "the file is empty",
        "Export the table again; a 0-byte file has no data.",
    ),
    ProblemKind(
        "file-corrupt",
        Severity.error,
        "文件已损坏或不是能识别的表格文件（CSV、Excel、PDF），无法读取",  # the library's own text stays in English
        "the file is corrupt or not a {expected} file: {detail}",
        "Open and re-save it in Excel/WPS, or export it again.",
    ),
    ProblemKind(
        "file-encrypted",
        Severity.error,
        "工作簿有密码保护，无法读取",
        "the workbook is password-protected",
        "Remove the password (文件→信息→保护工作簿) and save again.",
    ),
    ProblemKind(
        "file-too-large",
        Severity.error,
        "文件大小{size_mb}MB，超过上限{limit_mb}MB",
        "the file is {size_mb} MB, above the {limit_mb} MB limit",
        "Split the file, or raise the limit with --max-file-mb.",
    ),
    ProblemKind(
        "file-unsupported",
        Severity.error,
        "不支持的文件类型“{suffix}”",
        "unsupported file type '{suffix}'",
        "Save as .xlsx, .xls or .csv.",
    ),
    ProblemKind(
        "encoding-detected",
        Severity.notice,
        "文本编码识别为 {encoding}",
        "text encoding detected as {encoding}",
        "Informational: which encoding was used to read a CSV.",
    ),
    ProblemKind(
        "encoding-unknown",
        Severity.error,
        "无法识别文本编码（已尝试 UTF-8、GB18030）",
        "cannot decode the text (tried UTF-8, GB18030)",
        "Save the CSV as UTF-8 (CSV UTF-8 in Excel).",
    ),
    ProblemKind(
        "sheet-empty",
        Severity.notice,
        "工作表为空，已跳过",
        "the sheet is empty and was skipped",
        "Informational.",
    ),
    ProblemKind(
        "layout-unknown",
        Severity.error,
        "无法识别表格格式：{detail}",
        "unknown table layout: {detail}",
        "Use the long template (see README) or one of the published table layouts.",
    ),
    ProblemKind(
        "no-code-column",
        Severity.error,
        "找不到功能分类或经济分类编码列",
        "no functional or economic code column found",
        "Add a column 功能分类科目编码 or 经济分类科目编码 (or 类/款/项 columns).",
    ),
    ProblemKind(
        "no-amount-column",
        Severity.error,
        "找不到金额列",
        "no amount column found",
        "Add a column 金额 / amount (or year columns such as 2025年预算数).",
    ),
    ProblemKind(
        "missing-department",
        Severity.error,
        "无法确定部门（标题、工作表名、文件名中都没有）；请用 --department 指定，或在文件名中写明部门（如“某局2024年支出表.csv”），或加“部门”列",
        "cannot tell the department (not in title, sheet name or file name); give --department, name the file after the department (e.g. 某局2024年支出表.csv) or add a 部门 column",
        "Add a 部门 column or give --department.",
    ),
    ProblemKind(
        "missing-year",
        Severity.error,
        "无法确定年度（标题、工作表名、文件名中都没有）；请用 --year 指定，或在文件名中写明年度（如“某局2024年支出表.csv”），或加“年度”列",
        "cannot tell the fiscal year (not in title, sheet name or file name); give --year, put the year in the file name (e.g. 某局2024年支出表.csv) or add a 年度 column",
        "Add a 年度 column, a title such as 2025年…, or give --year.",
    ),
    ProblemKind(
        "header-merged",
        Severity.notice,
        "表头为多行合并单元格，已合并为：{detail}",
        "multi-row merged header combined as: {detail}",
        "Informational.",
    ),
    # cell level
    ProblemKind(
        "amount-not-numeric",
        Severity.error,
        "金额不是数字：“{value}”",
        "amount is not a number: '{value}'",
        "Type a number (1234.56); remove text, units and spaces from amount cells.",
    ),
    ProblemKind(
        "amount-negative",
        Severity.warning,
        "金额为负数：{value}",
        "negative amount: {value}",
        "Check whether this is a correction (红字冲销).",
    ),
    ProblemKind(
        "code-malformed",
        Severity.error,
        "编码“{value}”格式不对（{detail}）",
        "code '{value}' is malformed ({detail})",
        "Functional codes have 3, 5 or 7 digits, economic codes 3 or 5; no letters.",
    ),
    ProblemKind(
        "code-missing",
        Severity.error,
        "没有功能分类或经济分类编码",
        "no functional or economic code",
        "Fill in the code for this line.",
    ),
    ProblemKind(
        "code-unknown",
        Severity.notice,
        "编码“{value}”不在分类字典中",
        "code '{value}' is not in the classification dictionary",
        "Check the code; if it is valid, add it with --codes YOUR.csv.",
    ),
    ProblemKind(
        "code-name-mismatch",
        Severity.warning,
        "编码{value}在分类中名为“{expected}”，表中写作“{actual}”",
        "code {value} is named '{expected}' in the classification but '{actual}' here",
        "Check the code or the name.",
    ),
    ProblemKind(
        "year-invalid",
        Severity.error,
        "年度“{value}”无效",
        "invalid year '{value}'",
        "Use a 4-digit fiscal year such as 2025.",
    ),
    ProblemKind(
        "stage-invalid",
        Severity.error,
        "数据口径“{value}”无效",
        "invalid stage '{value}'",
        "Use 预算数, 调整预算数 or 决算数.",
    ),
    ProblemKind(
        "department-missing", Severity.error, "部门为空", "department is empty", "Fill in the department."
    ),
    ProblemKind(
        "duplicate-line",
        Severity.warning,
        "与第{first_row}行重复（部门、年度、口径、编码、名称、金额都相同）",
        "duplicates row {first_row} (same department, year, stage, codes, item and amount)",
        "Remove one of the two lines if it was entered twice.",
    ),
    # consistency
    ProblemKind(
        "unit-mismatch",
        Severity.error,
        "单位不一致：{detail}",
        "mixed units: {detail}",
        "Convert every table to one unit (元 or 万元) and state it.",
    ),
    ProblemKind(
        "unit-assumed",
        Severity.notice,
        "未注明单位，按{unit}读取",
        "no unit stated; read as {unit}",
        "State 单位：元 or 单位：万元 above the table.",
    ),
    ProblemKind(
        "hierarchy-mismatch",
        Severity.warning,
        "{level}{code}合计{parent}与下级之和{children}不符（差{difference}）",
        "{level} {code}: total {parent} differs from the sum of its children {children} (difference {difference})",
        "A parent row (类/款) must equal the sum of its 项 rows.",
    ),
    ProblemKind(
        "total-mismatch",
        Severity.warning,
        "{label}：表中数{printed}与明细之和{computed}不符（差{difference}）",
        "{label}: printed {printed} differs from the sum of the lines {computed} (difference {difference})",
        "Check the total or the lines.",
    ),
    ProblemKind(
        "rounding-gap",
        Severity.notice,
        "{label}：表中数{printed}与明细之和{computed}相差{difference}，在印制精度可解释的范围内（最多{allowance}），属四舍五入差异",
        "{label}: printed {printed} differs from the sum {computed} by {difference}, within what the printed precision explains (at most {allowance}): rounding",
        "Informational: each printed figure may be off by half a step of its last decimal; a larger gap is a warning.",
    ),
    # added by the ingest stage (budget_guard/ingest); codes above are unchanged
    ProblemKind(
        "file-duplicate",
        Severity.warning,
        "与文件{first_file}内容完全相同，已跳过",
        "same content as file {first_file}; skipped",
        "Pass each file once; reading the same table twice would count its money twice.",
    ),
    ProblemKind(
        "sheet-skipped",
        Severity.notice,
        "工作表不含预算数据，已跳过：{detail}",
        "the sheet holds no budget lines and was skipped: {detail}",
        "Informational: cover pages, notes and 收入 tables are not read.",
    ),
    ProblemKind(
        "amount-missing",
        Severity.error,
        "金额为空",
        "the amount is empty",
        "Type the amount; write 0 if the line is zero.",
    ),
    ProblemKind(
        "expense-type-invalid",
        Severity.warning,
        "支出类型“{value}”无效，已留空",
        "invalid expense type '{value}'; left empty",
        "Use 基本支出 or 项目支出.",
    ),
    ProblemKind(
        "header-duplicate",
        Severity.warning,
        "表头“{value}”与“{first}”都对应{field}，使用第一列",
        "headers '{value}' and '{first}' both mean {field}; the first is used",
        "Rename or delete one of the two columns.",
    ),
    ProblemKind(
        "column-ignored",
        Severity.notice,
        "列“{value}”未读取（{detail}）",
        "column '{value}' was not read ({detail})",
        "Informational: derived columns such as 增减额 and 增减% are recomputed by budget-guard; rename a column to read it.",
    ),
    ProblemKind(
        "unit-varies",
        Severity.warning,
        "同一文件中各表单位不同：{detail}；已按各表注明的单位分别换算",
        "the tables of this file use different units: {detail}; each was converted using its own stated unit",
        "Check that each table states its unit; better, use one unit throughout.",
    ),
    # relations a table's header states (ingest/recognise/header_tree.py, ingest/sangong.py): both
    # figures and both places; every line of the row and stage is tagged 勾稽不符 and never graded
    ProblemKind(
        "relation-sangong-subtotal",
        Severity.warning,
        "勾稽不符：“三公”经费小计{label}（{total_place}）{printed}{unit}≠因公出国（境）费＋公务用车购置及运行费＋公务接待费"
        "（{parts}，{parts_place}）之和{computed}{unit}，差{difference}{unit}；本行三公经费不作结论",
        "relation failed: the 三公 subtotal {label} ({total_place}) {printed} {unit} ≠ abroad + cars + reception "
        "({parts}, {parts_place}) {computed} {unit}, difference {difference}; no verdict on this row's 三公",
        "三公小计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费. A gap beyond rounding means a column "
        "was read under the wrong label or the table is wrong: check the header against the printed table.",
    ),
    ProblemKind(
        "relation-car-subtotal",
        Severity.warning,
        "勾稽不符：公务用车购置及运行费{label}（{total_place}）{printed}{unit}≠购置费＋运行费（{parts}，{parts_place}）"
        "之和{computed}{unit}，差{difference}{unit}；本行三公经费不作结论",
        "relation failed: the car subtotal {label} ({total_place}) {printed} {unit} ≠ purchase + running "
        "({parts}, {parts_place}) {computed} {unit}, difference {difference}; no verdict on this row's 三公",
        "公务用车购置及运行费 = 购置费 + 运行（维护）费.",
    ),
    ProblemKind(
        "relation-sangong-table-total",
        Severity.warning,
        "勾稽不符：本表合计{label}（{total_place}）{printed}{unit}≠“三公”经费＋会议费＋培训费等（{parts}，{parts_place}）"
        "之和{computed}{unit}，差{difference}{unit}；本行各数不作结论",
        "relation failed: the table total {label} ({total_place}) {printed} {unit} ≠ 三公 + meetings + training "
        "({parts}, {parts_place}) {computed} {unit}, difference {difference}; no verdict on this row",
        "A 三公 table that also prints 会议费 and 培训费: its 合计 = 三公 + 会议费 + 培训费.",
    ),
    ProblemKind(
        "relation-column-sum",
        Severity.warning,
        "勾稽不符：表头所示合计列{label}（{total_place}）{printed}{unit}≠其下各列（{parts}，{parts_place}）之和"
        "{computed}{unit}，差{difference}{unit}；本行各数不作结论",
        "relation failed: the aggregate column {label} ({total_place}) {printed} {unit} ≠ the columns under it "
        "({parts}, {parts_place}) {computed} {unit}, difference {difference}; no verdict on this row",
        "A 合计/小计 column of a multi-level header is the sum of the columns it heads.",
    ),
    ProblemKind(
        "relations-checked",
        Severity.notice,
        "本表按表头核对勾稽关系{count}项：{relations}；不成立{failed}处",
        "{count} relations the header states were checked: {relations}; {failed} failed",
        "Informational: every sum the table's header states, checked on every data row (per stage).",
    ),
    ProblemKind(
        "column-unlabelled",
        Severity.warning,
        "单元格{place}有数“{value}”，但表头中没有它所属的列名；表头未能读懂，本行各数不作结论",
        "cell {place} holds the figure '{value}' under no header label: the header was not understood; "
        "no verdict on this row",
        "A figure must stand under a column label; check the header rows (a label printed in another row, a merged cell lost).",
    ),
    ProblemKind(
        "column-label-repeated",
        Severity.warning,
        "单元格{place}有数“{value}”，但它所在列的列名“{label}”与{first}所在列相同：表头未能读懂（可能漏读了一行表头），"
        "该列不读取，本行各数不作结论",
        "cell {place} holds '{value}' in a column labelled '{label}' like the column of {first}: the header was "
        "not understood (a header row missed?); the column is not read and no verdict on this row",
        "Two columns under one label: a label was carried over a column whose own label was not read.",
    ),
    ProblemKind(
        "relation-total-row",
        Severity.warning,
        "勾稽不符：合计行{label}（{total_place}）{printed}{unit}≠各行（{parts_place}）之和{computed}{unit}，"
        "差{difference}{unit}；这些行的数不作结论",
        "relation failed: the total row {label} ({total_place}) {printed} {unit} ≠ the rows ({parts_place}) "
        "{computed} {unit}, difference {difference}; no verdict on these rows",
        "A 合计 row is the sum of the rows it totals.",
    ),
    ProblemKind(
        "subtotal-parts-mismatch",
        Severity.warning,
        "{label}{printed}与{parts}之和{computed}不符（差{difference}）",
        "{label} {printed} differs from the sum of {parts} {computed} (difference {difference})",
        "A 合计 column must equal the sum of its parts (基本支出 + 项目支出, 人员经费 + 公用经费).",
    ),
    ProblemKind(
        "table-overlap",
        Severity.warning,
        "{department}{year}年{stage}同时读入了{tables}，这些表描述的是同一笔钱，不可相加",
        "{department} {year} {stage}: read from {tables}, which describe the same money; do not add them up",
        "Load one table per classification (e.g. only the 一般公共预算支出表) when totals matter, or select lines by source.",
    ),
    ProblemKind(
        "table-repeated",
        Severity.warning,
        "{department}{year}年{stage}的{lines}行与{kept}重复（同一分类、同一笔钱），已按{kept}计入，本表这些行未计入",
        "{department} {year} {stage}: {lines} line(s) repeat {kept} (same classification, same money); counted once, from {kept}",
        "Informational: each amount is counted once. Remove the repeated table if it should not be there.",
    ),
    ProblemKind(
        "unit-argument-ignored",
        Severity.warning,
        "表中注明单位为{stated}，与指定的{given}不同，按表中单位读取",
        "the table states its unit as {stated}, not the {given} given; read as {stated}",
        "Check the unit argument or the unit line.",
    ),
    ProblemKind(
        "argument-invalid",
        Severity.error,
        "参数{name}的值“{value}”无效，已忽略",
        "argument {name}='{value}' is invalid and was ignored",
        "Use a 4-digit year, a stage 预算数/调整预算数/决算数 (budget/adjusted/final) and a unit 元/万元.",
    ),
    ProblemKind(
        "read-failed",
        Severity.error,
        "读取时出错（程序缺陷）：{detail}",
        "reading failed (a budget-guard bug): {detail}",
        "Please report this with the file; the other files were read.",
    ),
    # realdocs (#10): whole 部门预算/决算 公开 folders
    ProblemKind(
        "table-empty",
        Severity.notice,
        "{title}没有数据（{note}），不是读取失败",
        "{title} holds no figures ({note}); not a read failure",
        "Informational: a 政府性基金/国有资本经营 table of a department without such money is printed empty.",
    ),
    ProblemKind(
        "aliases-invalid",
        Severity.error,
        "部门别名表无法使用：{detail}",
        "the department alias file cannot be used: {detail}",
        "Fix the line named; the tables were read without aliases.",
    ),
    ProblemKind(
        "department-linked",
        Severity.notice,
        "部门“{name}”（{years}年）与“{canonical}”视为同一部门（依据：{how}），按“{canonical}”比较",
        "department '{name}' ({years}) is compared as '{canonical}' (by {how})",
        "Informational: declared aliases or a shared 部门编码 link renamed departments across years.",
    ),
    ProblemKind(
        "operating-printed",
        Severity.notice,
        "本表另列“{label}”{value}{unit}：不是三公经费，未计入三公；作为一行读入（标签“机关运行经费”），运行经费按此数计量，同一部门同年的其他行不再计入运行经费",
        "the table also prints '{label}' {value} {unit}: not 三公 and not counted as such; read as one line tagged 机关运行经费, on which 运行经费 is measured (the department-year's other lines are not counted for it again)",
        "Informational: where a table prints 机关运行经费, 运行经费 is measured on that figure; elsewhere on the spending lines.",
    ),
    ProblemKind(
        "code-name-other-year",
        Severity.notice,
        "编码{value}的名称“{actual}”是{years}年分类的名称（现名“{expected}”），按同一编码读取",
        "code {value} is named '{actual}' as in the {years} classification (now '{expected}'); read as the same code",
        "Informational: the classification renames some 类/款 between years; the code is what is compared.",
    ),
    ProblemKind(
        "code-suggested",
        Severity.warning,
        "编码“{value}”不合分类（未读取）；按名称“{name}”，分类字典中应为{suggestion}",
        "code '{value}' does not fit the classification (not read); by its name '{name}' the dictionary has {suggestion}",
        "Correct the printed code; the row's money is not counted until it is (its parent row stands in for it).",
    ),
    ProblemKind(
        "sangong-below-basic",
        Severity.warning,
        "{department}{year}年{stage}三公经费表的{item}{printed}元小于{basic_table}中同一项目的{basic}元；三公经费按三公经费表计",
        "{department} {year} {stage}: the 三公 table's {item} {printed} yuan is less than {basic} yuan in {basic_table}; 三公经费 follows the 三公 table",
        "The 三公 table covers all 财政拨款 (basic and project): it cannot be less than the basic table; check both tables.",
    ),
    ProblemKind(
        "scope-exceeds-all-funds",
        Severity.warning,
        "{department}{year}年{stage}功能分类{code}{expense_type}：全部资金表为{whole}元，小于{tables}中的{inside}元",
        "{department} {year} {stage}: functional code {code} {expense_type}: the all-funds table holds {whole} yuan, less than {inside} yuan in {tables}",
        "The 支出决算表 covers all funds and cannot hold less than the 一般公共预算/政府性基金 tables; check both tables.",
    ),
    ProblemKind(
        "sangong-car-unsplit",
        Severity.warning,
        "“{value}”未分列购置费和运行费，无法对应经济分类（31013/30231），未读取",
        "'{value}' is not split into 购置费 and 运行费, so it has no economic code (31013/30231) and was not read",
        "Split the column into 购置费 and 运行费, as the 三公经费 template does.",
    ),
    # -- hostile and broken inputs (issue #11): limits, amount grammar, workbook guards -----------
    ProblemKind(
        "amount-out-of-range",
        Severity.error,
        "金额“{value}”超出合理范围（单笔上限 {limit} 元），该行未读入",
        "amount '{value}' is beyond any plausible budget (limit {limit} yuan per line); the line was not read",
        "Check the digits and the unit (元/万元); if the amount is real, raise the limit with --max-amount-yuan.",
    ),
    ProblemKind(
        "amount-sub-fen",
        Severity.notice,
        "{count}个金额含分以下的位数，已四舍五入到分（第{rows}行，如“{value}”）",
        "{count} amount(s) had digits below the fen and were rounded half up (rows {rows}, e.g. '{value}')",
        "Informational: amounts are kept in whole fen; check the rows if the extra digits matter.",
    ),
    ProblemKind(
        "amount-total-overflow",
        Severity.error,
        "本文件金额绝对值合计 {total} 元，超出可精确计算的范围，文件未读入",
        "the absolute amounts of this file add up to {total} yuan, beyond what can be summed exactly; the file was not read",
        "The amounts are implausible (wrong unit or digits); correct them and submit again.",
    ),
    ProblemKind(
        "formula-uncached",
        Severity.error,
        "单元格{cell}是公式（{formula}），文件中没有保存计算结果，无法读取其金额",
        "cell {cell} holds a formula ({formula}) whose value was never saved, so its amount cannot be read",
        "Open the file in Excel or WPS and save it (that stores the formula values), or paste the values in.",
    ),
    ProblemKind(
        "file-not-regular",
        Severity.error,
        "不是普通文件（{kind}），未读取",
        "not a regular file ({kind}); not read",
        "Give a spreadsheet file; devices, pipes and folders cannot be read.",
    ),
    ProblemKind(
        "file-unpacked-too-large",
        Severity.error,
        "工作簿解压后{detail}，超过上限（可能是压缩炸弹），未读取",
        "the workbook unpacks to {detail}, beyond the limit (possibly a zip bomb); not read",
        "Save the workbook again in Excel/WPS; raise the limits with --max-unpacked-mb if it is genuine.",
    ),
    ProblemKind(
        "sheet-too-large",
        Severity.error,
        "工作表的使用区域延伸到单元格{cell}（{rows}行×{columns}列），超过上限{limit}个单元格，未读取",
        "the sheet's used range reaches cell {cell} ({rows} rows × {columns} columns), above the {limit}-cell limit; not read",
        "Delete the stray cells far from the table (Ctrl+End shows the last one) and save; or raise --max-cells.",
    ),
    ProblemKind(
        "cell-too-long",
        Severity.error,
        "单元格内容有{length}个字符，超过上限{limit}，该行未读入",
        "the cell holds {length} characters, above the {limit} limit; the row was not read",
        "Shorten the cell (a budget line's name or code is never that long), or raise --max-cell-chars.",
    ),
    ProblemKind(
        "merged-cell-filled",
        Severity.notice,
        "合并单元格{cells}的值“{value}”用于其覆盖的每一行",
        "merged cell {cells}: its value '{value}' applies to every row it spans",
        "Informational: a merged 部门/年度 cell holds for all the rows it covers.",
    ),
    # -- end of hostile block ---------------------------------------------------------------------
    # trust: one source per department-year (ingest/cross_source.py)
    ProblemKind(
        "source-set-aside",
        Severity.warning,
        "{department}{year}年{stage}的{lines}行与{kept}重复（同一部门、同一年度的同一笔钱），已按该文件计入，本文件这些行未计入",
        "{department} {year} {stage}: {lines} line(s) describe the same money as {kept}; counted once, from {kept}",
        "Each amount is counted once, from the line-level file. Remove this file from the run if it should not be there.",
    ),
    # trust: the same money by 功能分类 and by 经济分类 (ingest/overlap.py, engine/double_count.py)
    ProblemKind(
        "classification-overlap",
        Severity.notice,
        "{department}{year}年{stage}：功能分类表（{func_tables}）合计{func_wan}万元，经济分类表（{econ_tables}；范围：{econ_types}）合计{econ_wan}万元，"
        "是同一笔钱按两种分类各列一次，两表不相加：按功能分类选取的类别只计功能分类表，按经济分类选取的类别只计经济分类表；部门支出合计以功能分类表为准（{func_wan}万元）",
        "{department} {year} {stage}: the functional table ({func_tables}) totals {func_wan} (10k yuan) and the economic table "
        "({econ_tables}; covering: {econ_types}) {econ_wan}: the same money listed once per classification, never added: categories selected "
        "by functional codes count only the functional table, those selected by economic codes only the economic table; the "
        "department total follows the functional table ({func_wan})",
        "Informational: each amount is counted once; a category that reads both classifications would add both tables and is reported red.",
    ),
    # metadata from the data or the user, never a guess (ingest/context.py)
    ProblemKind(
        "year-range-in-name",
        Severity.warning,
        "文件名中的“{value}”是年度范围，不是年度，不据此确定年度；请在表中写明年度列，或用 --year 指定",
        "'{value}' in the file name is a range of years, not a year, so no year is taken from it; add a year column or pass --year",
        "A range names several years: give each line its year (a 年度 column) or the run's year (--year).",
    ),
    ProblemKind(
        "year-column-unrecognised",
        Severity.error,
        "列“{label}”未被识别，但其中全是四位年份（{years}）：每行的年度可能就在这一列，不能丢弃后猜测年度，本表各行未读入；请用 --year 指定年度（只有一个年度时），或把该列改名为“年度”",
        "column '{label}' is not recognised but holds four-digit years ({years}): each line's year may be there, so it "
        "is not dropped and no year is guessed; the rows were not read. Pass --year (one year only) or rename the column to 年度",
        "Rename the column to 年度 (or 预算年度), or pass --year when the file holds one year.",
    ),
    # 表间勾稽: a relation the published set prints fails (ingest/settle/published_set.py)
    ProblemKind(
        "relation-failed",
        Severity.warning,
        "{department}{year}年{stage}表间勾稽不符：{relation}：{text}；用到这些数的类别不作结论（不可比）",
        "{department} {year} {stage}: cross-table relation fails: {relation}: {text}; the categories using these figures get no verdict (not comparable)",
        "Check both tables against the printed documents: one of them is misread or misprinted. The cells using them are not comparable until they agree.",
    ),
    # 公开 completeness: an obligation of the rules' disclosure list not met (ingest/settle/disclosure.py)
    ProblemKind(
        "disclosure-missing",
        Severity.warning,
        "{department}{year}年{stage}公开不完整：{obligation}：{state}（{reason}）",
        "{department} {year} {stage}: disclosure incomplete: {obligation}: {state} ({reason})",
        "Publish the missing table (an empty one with a note that it is empty); a table that could not be read counts as not published until it is read.",
    ),
    # the published PDF itself (ingest/pdf/, #21)
    ProblemKind(
        "pdf-reader-missing",
        Severity.error,
        '读取PDF需要安装pdfplumber：pip install "budget-guard[pdf]"（或 pip install pdfplumber），本文件未读取',
        'reading a PDF needs pdfplumber: pip install "budget-guard[pdf]" (or pip install pdfplumber); this file was not read',
        'Install the PDF extra: pip install "budget-guard[pdf]".',
    ),
    ProblemKind(
        "pdf-page-scanned",
        Severity.error,
        "第{page}页没有文字层（扫描件或图片），其中的表格无法读取，本页未读入",
        "page {page} has no text layer (a scan or a picture); its tables cannot be read and the page was not read",
        "Use the PDF as published (with selectable text), or the tables as Excel; OCR is not available.",
    ),
    ProblemKind(
        "pdf-page-sideways",
        Severity.error,
        "第{page}页的文字被转了90°绘制（页面本身未标记旋转），无法可靠读取，本页未读入",
        "page {page} draws its text turned by 90° (the page itself is not marked as rotated); it cannot be read reliably and was not read",
        "Rotate the page in a PDF tool and save it, or give the table as Excel.",
    ),
    ProblemKind(
        "pdf-text-pages",
        Severity.notice,
        "第{pages}页是文字页（封面、目录、说明），没有表格，未作为表格读取",
        "pages {pages} are text pages (cover, contents, narrative) without tables; not read as tables",
        "Informational: only ruled tables are read from a PDF.",
    ),
    ProblemKind(
        "pdf-numbers-unproven",
        Severity.error,
        "第{page}页表格区域内印出的数字与读出的单元格数字不一致（页面上有而单元格中没有：{lost}；单元格中有而页面上没有：{invented}），本表未用于判断",
        "on page {page} the numbers printed in the table region differ from the numbers read into cells (printed but in no cell: {lost}; in a cell but not printed so: {invented}); the table was not used",
        "The table could not be read reliably from the PDF; give the table as Excel, or check the page.",
    ),
    ProblemKind(
        "pdf-row-outside-table",
        Severity.error,
        "第{page}页表格线以外有一行金额“{line}”，未被读入表格（可能是续页首行或末行），本表未用于判断",
        "page {page} prints a row of amounts outside the table's rules ('{line}'), not read into the table (a continuation's first row or a last row); the table was not used",
        "Give the table as Excel, or check the page: a row printed outside the ruled table was lost.",
    ),
    ProblemKind(
        "pdf-row-recovered",
        Severity.notice,
        "第{page}页表格首条横线上方的{rows}行金额（续页首行）已按所在列读入表格",
        "page {page}: {rows} row(s) printed above the table's first rule (a continuation's first row) were read into the table by their columns",
        "Informational: the row's numbers are still checked against the page.",
    ),
    ProblemKind(
        "narrative-figure-differs",
        Severity.warning,
        "正文所述{item}为{stated}万元，与{table_place}三公经费表的{table}万元不一致（原文：“{text}”）",
        "the narrative states {item} as {stated} (10k yuan), the 三公 table {table_place} prints {table} (text: '{text}')",
        "Check which figure is right: the published narrative and its table must agree.",
    ),
    ProblemKind(
        "narrative-figures-agree",
        Severity.notice,
        "正文所述三公经费{count}项（{items}）与本表一致",
        "the narrative's {count} 三公 item(s) ({items}) agree with this table",
        "Informational: the narrative's figures were checked against the table.",
    ),
    ProblemKind(
        "pdf-table-not-used",
        Severity.error,
        "表格“{title}”未通过页面数字核对，{rows}行未计入",
        "table '{title}' failed the check against its page; {rows} row(s) not counted",
        "See the page's number-check problem; give the table as Excel to read it.",
    ),
]

KINDS: dict[str, ProblemKind] = {k.code: k for k in _KINDS}


_BILINGUAL = re.compile(r"^(?P<zh>.*[\u4e00-\u9fff].*?) / (?P<en>[A-Za-z].*)$", re.S)


_NAMED_DETAILS = {"stage": "stage", "layout": "value.layout", "state": "disclosure.state"}  # detail key → i18n prefix of its values


def in_language(value: object, lang: str, key: str = "") -> object:
    """A detail written 'zh / en' (readers put both) becomes the half in the reader's language;
    a raw id (a stage ``final``, a layout ``long``) becomes its name."""
    if key in _NAMED_DETAILS and isinstance(value, str):
        from budget_guard import messages as msg

        return msg.value(_NAMED_DETAILS[key], value, lang)
    if isinstance(value, str):
        match = _BILINGUAL.match(value)
        if match:
            return match["en"] if lang == "en" else match["zh"]
    return value


@dataclass(frozen=True)
class Problem:
    """One problem found, with its place. ``details`` fill the kind's templates."""

    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    details: dict = field(default_factory=dict)
    level: str | None = None  # a severity the rules set for this kind (disclosure.severity); None: the kind's

    @property
    def kind(self) -> ProblemKind:
        return KINDS[self.code]

    @property
    def severity(self) -> str:
        return self.level or self.kind.severity.value

    def message(self, lang: str = "zh") -> str:
        template = self.kind.zh if lang == "zh" else self.kind.en
        try:
            return template.format(**{k: in_language(v, lang, k) for k, v in self.details.items()})
        except (KeyError, IndexError):
            return template

    def hint(self, lang: str = "zh") -> str:
        """How to fix it, in the reader's language (``problem.hint.<code>`` in budget_guard/messages/text/)."""
        from budget_guard import messages as msg

        key = f"problem.hint.{self.code}"
        if msg.has(key):
            return msg.t(key, lang)
        return self.kind.description

    def title(self, lang: str = "zh") -> str:
        """A short name of the kind for tables (``problem.title.<code>``), instead of the raw code."""
        from budget_guard import messages as msg

        return msg.value("problem.title", self.code, lang)

    def describe(self, lang: str = "zh") -> str:
        """The message with its place inside the file: '工作表 X，第2行，列 金额：…'."""
        from budget_guard.errors import Place

        where = Place(sheet=self.sheet, row=self.row, column=self.column).describe(lang)
        text = self.message(lang)
        return f"{where}：{text}" if where and lang == "zh" else (f"{where}: {text}" if where else text)

    def as_record(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
            "hint": self.kind.description,
            "hint_zh": self.hint("zh"),
            "hint_en": self.hint("en"),
            "title_zh": self.title("zh"),
            "title_en": self.title("en"),
        }


PROBLEM_COLUMNS = [
    "code",
    "severity",
    "file",
    "sheet",
    "row",
    "column",
    "message_zh",
    "message_en",
    "hint",
    "hint_zh",
    "hint_en",
    "title_zh",
    "title_en",
]


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a DataFrame (the form reports and the app use)."""
    return pd.DataFrame([p.as_record() for p in problems], columns=PROBLEM_COLUMNS)


def catalogue_markdown() -> str:
    """The problem catalogue as the Markdown table of docs/problems.md (generated: never edited by hand)."""
    from budget_guard import messages as msg

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Problem kinds",
        "",
        "Generated from `budget_guard/messages/problems.py` by `python -m budget_guard.messages.problems`;",
        "a test keeps this page equal to the catalogue. Each problem a run reports carries its code, level,",
        "place (file, sheet or page, row, column) and these texts filled with its figures.",
        "",
        "| code | level | 名称 | message (zh) | how to fix (zh) | what it means (en) |",
        "|---|---|---|---|---|---|",
    ]
    for kind in _KINDS:
        title = msg.value("problem.title", kind.code, "zh")
        hint_key = f"problem.hint.{kind.code}"
        hint = msg.t(hint_key, "zh") if msg.has(hint_key) else ""
        row = [f"`{kind.code}`", kind.severity.value, title, kind.zh, hint, kind.description]
        lines.append("| " + " | ".join(cell(str(part)) for part in row) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
