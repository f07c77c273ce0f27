"""Dashboard texts of issue #9: per-file read errors, withheld results, the what-if banner."""

TEXT: dict[str, tuple[str, str]] = {
    "app.gate.file": (
        "文件“{name}”未能读取{where}：{title}。处理办法：{hint}{more}",
        "File '{name}' could not be read{where}: {title}. Fix: {hint}{more}",
    ),
    "app.gate.more": (
        "（另有{count}个问题，见“读取报告”）",
        " (+{count} more problem(s), see 'Load report')",
    ),
    "app.gate.file_no_lines": (
        "文件“{name}”未读到任何预算数据行。处理办法：请查看读取报告，确认表头与模板一致",
        "File '{name}': no budget lines found. Fix: see the load report and check the headers against the template",
    ),
    "app.gate.withheld": (
        "没有可比较的结果，因此不显示等级统计、矩阵和下载；下面是读取报告",
        "Nothing to compare, so no level counts, matrix or downloads are shown; the load report follows",
    ),
    "app.whatif.banner": (
        "假设分析：以下规则已在侧栏修改（不是正式规则的检查结果，不能据此督办）：{changes}",
        "What-if: these rules were edited in the sidebar (not a check against the filed rules): {changes}",
    ),
}
