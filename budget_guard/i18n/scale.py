"""Messages of the large-data commands (convert, --engine duckdb|spark)."""

TEXT: dict[str, tuple[str, str]] = {
    "scale.converted": (
        "已转换 {files} 个文件的 {lines} 行（拒收 {rejected} 行）为 Parquet：{path}",
        "converted {lines} lines of {files} file(s) ({rejected} rows rejected) to Parquet: {path}",
    ),
}
