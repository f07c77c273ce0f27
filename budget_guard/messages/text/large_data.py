"""Messages of the large-data commands (convert, --engine duckdb|spark)."""

TEXT: dict[str, tuple[str, str]] = {
    "scale.converted": (
        "已转换 {files} 个文件的 {lines} 行（拒收 {rejected} 行）为 Parquet：{path}",
        "converted {lines} lines of {files} file(s) ({rejected} rows rejected) to Parquet: {path}",
    ),
    "scale.stream_shared": (
        "注意：逐个文件转换时，{count} 个部门×年度×口径分组来自多个文件（{groups}）；跨文件的重复表、"
        "第二来源检查只在各文件内进行，请核对这些分组或不加 --stream 一并转换",
        "note: converted one file at a time, {count} department × year × stage group(s) come from "
        "several files ({groups}); repeated tables and second sources across files were checked "
        "within each file only: check these groups, or convert them together without --stream",
    ),
}
