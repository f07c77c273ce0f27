"""Messages of hostile-input guards and of fault handling in batch runs (issue #11)."""

TEXT: dict[str, tuple[str, str]] = {
    "cli.warning": ("警告：{message}", "warning: {message}"),
    # names and hints of the problem kinds in problems.py's hostile block
    "problem.title.amount-out-of-range": ("金额超出合理范围", "amount out of range"),
    "problem.hint.amount-out-of-range": (
        "核对数字和单位（元/万元）；如金额属实，用 --max-amount-yuan 提高上限",
        "Check the digits and the unit (元/万元); if the amount is real, raise --max-amount-yuan.",
    ),
    "problem.title.amount-sub-fen": ("金额含分以下位数", "digits below the fen"),
    "problem.hint.amount-sub-fen": (
        "仅提示：金额按分保存，已四舍五入；如多出的位数有意义请核对这些行",
        "Informational: amounts are kept in whole fen; check the rows if the extra digits matter.",
    ),
    "problem.title.amount-total-overflow": ("金额合计超出可计算范围", "amounts too large to sum"),
    "problem.hint.amount-total-overflow": (
        "金额不合常理（单位或位数有误），请更正后重新报送",
        "The amounts are implausible (wrong unit or digits); correct them and submit again.",
    ),
    "problem.title.formula-uncached": ("公式没有保存计算结果", "formula without a saved value"),
    "problem.hint.formula-uncached": (
        "用 Excel 或 WPS 打开并保存该文件（会保存公式的计算结果），或把公式粘贴为数值",
        "Open the file in Excel or WPS and save it (that stores the formula values), or paste the values in.",
    ),
    "problem.title.file-not-regular": ("不是普通文件", "not a regular file"),
    "problem.hint.file-not-regular": (
        "请提供表格文件；设备、管道和文件夹无法读取",
        "Give a spreadsheet file; devices, pipes and folders cannot be read.",
    ),
    "problem.title.file-unpacked-too-large": ("工作簿解压后过大", "workbook unpacks too large"),
    "problem.hint.file-unpacked-too-large": (
        "用 Excel 或 WPS 重新保存该工作簿；如确属正常，用 --max-unpacked-mb 提高上限",
        "Save the workbook again in Excel/WPS; raise --max-unpacked-mb if it is genuine.",
    ),
    "problem.title.sheet-too-large": ("工作表使用区域过大", "sheet's used range too large"),
    "problem.hint.sheet-too-large": (
        "删除表格远处多余的单元格（按“结束”组合键可定位最后一个）后保存，或用 --max-cells 提高上限",
        "Delete the stray cells far from the table (Ctrl+End shows the last one) and save; or raise --max-cells.",
    ),
    "problem.title.cell-too-long": ("单元格内容过长", "cell too long"),
    "problem.hint.cell-too-long": (
        "缩短该单元格（预算行的名称或编码不会这么长），或用 --max-cell-chars 提高上限",
        "Shorten the cell (a budget line's name or code is never that long), or raise --max-cell-chars.",
    ),
    "problem.title.merged-cell-filled": ("合并单元格已应用到各行", "merged cell applied to its rows"),
    "problem.hint.merged-cell-filled": (
        "仅提示：合并的部门/年度单元格对其覆盖的每一行都有效",
        "Informational: a merged 部门/年度 cell holds for all the rows it covers.",
    ),
}
