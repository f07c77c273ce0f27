"""Cell states, run outcomes, completeness findings and what-if marking (the "never a false 达标" area)."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # cell states (engine/states.py): what a clerk reads in the matrix, the findings and the reports
    "state.compliant": ("达标", "Compliant"),
    "state.white": ("白色（提示）", "White (notice)"),
    "state.yellow": ("黄色（预警）", "Yellow (warning)"),
    "state.red": ("红色（督办）", "Red (supervised)"),
    "state.no_data": ("无数据", "No data"),
    "state.not_comparable": ("不可比", "Not comparable"),
    "state.short.compliant": ("达标", "OK"),
    "state.short.white": ("白", "W"),
    "state.short.yellow": ("黄", "Y"),
    "state.short.red": ("红", "R"),
    "state.short.no_data": ("无数据", "no data"),
    "state.short.not_comparable": ("不可比", "n/c"),
    # reasons of ungraded cells
    "reason.no_lines": ("两年均没有归入该类别的支出行，无数据", "no line in either year; no data"),
    "reason.department_missing": (
        "{scope}{year}年没有任何支出行（{prev_year}年有），不可比",
        "{scope} sent no line for {year} ({prev_year} had some); not comparable",
    ),
    "reason.previous_year_missing": (
        "{scope}{prev_year}年没有任何支出行，{year}年无法同比，不可比",
        "{scope} sent no line for {prev_year}, so {year} cannot be compared; not comparable",
    ),
    "reason.no_comparable_department": (
        "{scope}{category}{year}年没有连续两年报送该类别的部门，无法按可比口径同比，不可比",
        "{scope} {category} {year}: no department has lines in both years, so there is no comparable basis",
    ),
    "reason.stage_absent": (
        "数据中没有所比较口径的支出行，不可比",
        "no line of the compared stage; not comparable",
    ),
    # completeness: one finding per department × year with no line at all
    "completeness.department_year": (
        "{scope}{year}年没有报送任何支出数据（{near}），请核实是否漏报（或新设、撤并）；{government}{year}年前后的同比均按可比口径剔除该部门",
        "{scope} sent no figures for {year} ({near}); check for a missing submission (or a new or merged department). {government} compares "
        "{year} with the years around it on a comparable basis without this department",
    ),
    "completeness.near": ("{year}年{amount}万元", "{year}: {amount} (10k yuan)"),
    "completeness.sep": ("，", ", "),
    "completeness.category": ("数据完整性", "Completeness"),
    # run outcomes
    "outcome.compliant": ("达标", "compliant"),
    "outcome.nothing_compared": ("未作任何同比（不可比）", "nothing compared"),
    "outcome.input_failed": ("输入读取失败", "input failed"),
    "outcome.white": ("白色（提示）", "white (notice)"),
    "outcome.yellow": ("黄色（预警）", "yellow (warning)"),
    "outcome.red": ("红色（督办）", "red (supervised)"),
}
TEXT.update(
    {
        # the first line of every report, the CLI and the dashboard (outcome.py)
        "headline.input_failed": (
            "输入读取失败：{count}个文件无法读取或有表格未能读取，本次结果不能作为达标结论。{detail}。请修正或重新导出这些文件后再检查",
            "Input failed: {count} file(s) could not be read, in whole or in part, so this run is no sign-off. {detail}. "
            "Fix or re-export these files and check again",
        ),
        "headline.partial": ("；其余文件的检查结果：{worst}", "; the other files' result: {worst}"),
        "headline.nothing_compared": (
            "未作任何同比，本次结果不是达标结论：{why}",
            "Nothing was compared, so this run is no sign-off: {why}",
        ),
        "headline.why.no_lines": (
            "没有读到任何预算数据行。请检查文件内容与表头",
            "no budget line was read. Check the files' contents and headers",
        ),
        "headline.why.stage_absent": (
            "数据中没有“{stage}”口径的支出行（有：{present}）。请用 --stage {option} 或在规则 compare.stage 中改为已有口径",
            "the data have no line of stage '{stage}' (present: {present}). Use --stage {option} or set compare.stage in the rules",
        ),
        "headline.why.no_baseline": (
            "没有任何部门连续两年有“{stage}”口径的同类数据（只有一个年度，或上年缺失）。请补充上年同类表",
            "no department has '{stage}' figures of the same kind in two consecutive years (one year only, or the "
            "previous year missing). Add the previous year's tables",
        ),
        "headline.graded": (
            "结论：{worst}。发现{findings}项：督办事项（红色）{red_findings}项、预警（黄色）{yellow_findings}项、提示（白色）{white_findings}项；单元格：红{red}、黄{yellow}、白{white}、达标{compliant}、不可比{not_comparable}、无数据{no_data}",
            "Result: {worst}. {findings} finding(s): red (supervised) {red_findings}, yellow (warning) "
            "{yellow_findings}, white (notice) {white_findings}; cells: red {red}, yellow {yellow}, white {white}, "
            "compliant {compliant}, not comparable {not_comparable}, no data {no_data}",
        ),
    }
)
TEXT.update(
    {
        "whatif.line": (
            "假设分析（不是正式规则的检查结果，不能据此督办）：{changes}",
            "What-if analysis (not a check against the filed rules; not for supervision): {changes}",
        ),
        "whatif.target": (
            "{category} {target_kind} {old}% → {new}%",
            "{category} {target_kind} {old}% → {new}%",
        ),
        "whatif.target_kind.decrease": ("压减目标", "cut target"),
        "whatif.target_kind.no_decrease": ("增长目标", "growth target"),
        "whatif.band": (
            "{direction}{level}区间上限 {old} → {new} 个百分点",
            "{direction} {level} band limit {old} → {new} pp",
        ),
        "whatif.materiality": ("重要性水平 {old} → {new} 元", "materiality floor {old} → {new} yuan"),
        "whatif.category_materiality": (
            "{category} 重要性水平 {old} → {new} 元",
            "{category} materiality floor {old} → {new} yuan",
        ),
        "whatif.other": ("规则已改动（{what}）", "rules changed ({what})"),
        "whatif.direction.decrease": ("过紧日子类别", "decrease categories: "),
        "whatif.direction.no_decrease": ("只增不减类别", "no-decrease categories: "),
    }
)
TEXT.update(
    {
        "app.trend.basis_amount": ("可比口径本年数（万元）", "Comparable-basis amount (10k yuan)"),
        "app.trend.basis_prev_amount": (
            "可比口径上年数（万元）",
            "Comparable-basis previous year (10k yuan)",
        ),
        "app.trend.total_amount": ("全部部门合计（万元）", "All departments (10k yuan)"),
    }
)
TEXT.update(
    {
        "problem.title.source-set-aside": ("另一来源已计入", "counted from another source"),
        "problem.hint.source-set-aside": (
            "同一部门同一年度的钱只按逐行列出功能和经济分类的文件计入一次；如本文件不应参与检查，请将其移出",
            "Each amount is counted once, from the line-level file; remove this file from the run if it should not be there.",
        ),
    }
)
TEXT.update(
    {
        # the same money by 功能分类 and by 经济分类 (ingest/overlap.py, engine/double_count.py)
        "problem.title.classification-overlap": ("两种分类的同一笔钱", "same money, two classifications"),
        "problem.hint.classification-overlap": (
            "仅供参考：每笔金额只计一次；如某类别同时按功能分类和经济分类选取，会把两表相加，届时报告为红色",
            "Informational: each amount is counted once; a category that reads both classifications would add both "
            "tables and is reported red.",
        ),
        "reason.double_counted": (
            "{scope}{category}{year}年（或上年）的金额把功能分类表和经济分类表的同一笔钱相加（重复计数），不可比",
            "{scope} {category} {year} (or its previous year) adds the functional and the economic table of the "
            "same money (counted twice); not comparable",
        ),
        "double_count.finding": (
            "数据问题（重复计数）：{scope}{category}{year}年{stage}{amount}万元同时取自功能分类表（{func_tables}）{func}万元"
            "和经济分类表（{econ_tables}）{econ}万元，这两张表是同一笔钱的两种分类，相加即重复计数；该数及其前后年度的同比不作结论，不是达标。"
            "请只保留一种分类的表，或把该类别的选取规则改为只读一种分类",
            "Data problem (counted twice): {scope} {category} {year} {stage} {amount} (10k yuan) takes {func} from the "
            "functional table ({func_tables}) and {econ} from the economic table ({econ_tables}), two classifications of "
            "the same money; adding them counts it twice, so this amount and the comparisons around it are no result "
            "and not compliant. Keep one classification's table, or make the category's selector read one classification",
        ),
        "double_count.recon_intro": (
            "；以下部门年度同时读入了功能分类表和经济分类表（同一笔钱的两种分类），上述合计把两表都算入，不是支出总额；"
            "部门支出总额按功能分类表计，各类别只计其所读分类的一张表：",
            "; these department-years were read from a functional and an economic table (two classifications of the "
            "same money), so the total above adds both and is not their spending; a department's spending total "
            "follows the functional table, and each category counts only the table of the classification it reads: ",
        ),
        "double_count.recon": (
            "{department}{year}年{stage}功能分类表（{func_tables}）{func}万元、经济分类表（{econ_tables}）{econ}万元",
            "{department} {year} {stage}: functional table ({func_tables}) {func}, economic table ({econ_tables}) {econ}",
        ),
        "double_count.recon_red": (
            "，但{categories}同时取了两张表的行（重复计数，红色数据问题，见督办事项），不能作为干净的核对结果",
            ", but {categories} took lines of both tables (counted twice: a red data problem, see the findings), "
            "so this is no clean reconciliation",
        ),
        "double_count.more": (
            "；另有{count}个部门年度同样如此，见报告",
            "; {count} more department-year(s) alike, see the report",
        ),
        "double_count.category": ("数据问题（重复计数）", "Data problem (counted twice)"),
    }
)
TEXT.update(
    {
        "case.sheet.whatif": (
            "下载时页面处于假设分析（不是正式规则的检查结果，不能据此督办）：{changes}。本台账中的督办事项来自运行记录，未按假设规则改动",
            "Downloaded while the page showed a what-if analysis (not a check against the filed rules; not for "
            "supervision): {changes}. The cases in this ledger come from the filed runs and are not changed by it",
        ),
    }
)
TEXT.update(
    {
        "recon.nothing": (
            "没有读入任何支出行，无可核对（不是核对无误）",
            "No spending line was read, so nothing was reconciled (this is not a clean reconciliation)",
        ),
    }
)
