"""Messages of the Spark engine: a failed read or query on the input, and the data contract on Spark."""

TEXT: dict[str, tuple[str, str]] = {
    # -- a Spark job that failed on the input (engine/backends/spark_errors.py) -----------------------
    "spark.error.unreadable_file": (
        "文件无法读取：不是 Parquet 文件或已损坏",
        "the file cannot be read: not a Parquet file, or damaged ({detail})",
    ),
    "spark.hint.unreadable_file": (
        "请重新生成该 Parquet 文件（或检查它是否完整传输）后重跑",
        "write the Parquet file again (or check it was copied completely) and run again",
    ),
    "spark.error.schemas_differ": (
        "各输入文件的同一列类型不一致，Spark 无法合并",
        "the input files give the same column different types, Spark cannot merge them ({detail})",
    ),
    "spark.hint.schemas_differ": (
        "同一列在所有文件中须为同一类型：请把这些表重新转换为规范表后重跑",
        "a column must have one type in every file: convert these tables to the canonical table again",
    ),
    "spark.error.table_missing": ("找不到数据表 {table}", "table {table} not found"),
    "spark.hint.table_missing": (
        "请检查 --spark-table 的库名与表名，以及 Spark 连接的是哪个元数据库",
        "check the database and table name given to --spark-table and which metastore Spark uses",
    ),
    "spark.error.path_missing": ("找不到输入路径", "input path not found ({detail})"),
    "spark.hint.path_missing": (
        "请检查路径是否写对、当前用户能否读取",
        "check the path and that this user can read it",
    ),
    "spark.error.not_integer": (
        "{column}列的值“{value}”不是整数",
        "column {column}: value '{value}' is not an integer",
    ),
    "spark.error.not_integer_unlocated": (
        "有一列的值“{value}”不是整数（年度、金额或行号列）",
        "a value '{value}' is not an integer (year, amount or row column)",
    ),
    "spark.hint.not_integer": (
        "年度、金额（分）和行号须为整数：请修正源数据，或把表重新转换为规范表后重跑",
        "year, amount (fen) and row must be integers: correct the data or convert the table again",
    ),
    "spark.error.overflow": (
        "有数值超出整数范围（金额以分计，须小于 9.2×10¹⁸）",
        "a number is out of the integer range (amounts in fen must be below 9.2e18) ({detail})",
    ),
    "spark.hint.overflow": (
        "请检查金额列是否以分为单位、有没有误填的数",
        "check that the amount column is in fen and has no mistyped figure",
    ),
    "spark.error.column_type": (
        "{column}列的类型不对，应为整数",
        "column {column} has type {type}, an integer is required",
    ),
    "spark.hint.column_type": (
        "年度、金额（分）和行号列须为整数类型（文本表中的整数也可）：请把表重新转换为规范表后重跑",
        "year, amount (fen) and row must be integer columns (or integers in a text table): "
        "convert the table to the canonical table again",
    ),
    "spark.error.out_of_memory": (
        "Spark 中途停止（多为内存不足），查询中断",
        "Spark stopped during the query, most often for lack of memory ({detail})",
    ),
    "spark.hint.out_of_memory": (
        "请调大环境变量 SPARK_DRIVER_MEMORY 后重跑，或用 --spark-master 在集群上运行",
        "set SPARK_DRIVER_MEMORY higher (e.g. 8g) and run again, or run on a cluster with --spark-master",
    ),
    "spark.error.query_failed": (
        "Spark 在读取或计算输入时出错",
        "a Spark job on the input failed: {detail}",
    ),
    "spark.hint.query_failed": (
        "以英文界面（--lang 选英文）重跑可看到 Spark 的错误类别和原文",
        "the message quotes Spark's error class and text",
    ),
    # -- the data contract (table.py's pandera schema) on Spark (spark_contract.py) --------------------
    "spark.contract.failed": (
        "不符合数据契约：{problem}，值“{value}”（共{count}行）",
        "does not fit the data contract: {problem}, value '{value}' ({count} line(s))",
    ),
    "spark.contract.failed_null": (
        "不符合数据契约：{problem}（共{count}行）",
        "does not fit the data contract: {problem} ({count} line(s))",
    ),
    "spark.contract.more": ("；另有{count}项不符：{columns}", "; {count} more: {columns}"),
    "spark.hint.contract": (
        "规范表的列与取值见 docs/engines.md：请修正源数据，或把表重新转换为规范表后重跑",
        "docs/engines.md lists the canonical columns and values: correct the data or convert the table again",
    ),
    "spark.check.not_nullable": ("{column}不能为空", "{column} must not be empty"),
    "spark.check.str_length": ("{column}不能为空白", "{column} must not be blank"),
    "spark.check.in_range": (
        "{column}须在 {min_value} 至 {max_value} 之间",
        "{column} must be between {min_value} and {max_value}",
    ),
    "spark.check.isin": ("{column}须为{allowed}之一", "{column} must be one of {allowed}"),
    "spark.check.str_matches": (
        "{column}的编码格式不对（应符合 {pattern}）",
        "{column} does not match {pattern}",
    ),
    "spark.check.dtype": ("{column}的类型不对", "{column} has the wrong type ({detail})"),
    "spark.check.column": ("{column}不符合要求", "{column} fails {detail}"),
    # labels of the canonical columns that have none elsewhere
    "spark.column.amount_fen": ("金额（分）", "amount (fen)"),
    "spark.column.department_code": ("部门编码", "department code"),
    "spark.column.source_layout": ("表格格式", "source layout"),
    "spark.column.division": ("财政区划", "division"),
    "spark.column.unit_code": ("单位代码", "unit code"),
    "spark.column.unit_name": ("单位名称", "unit name"),
    "spark.column.gov_econ_code": ("政府经济分类编码", "government economic code"),
    "spark.column.fund_type": ("资金性质", "fund type"),
    "spark.column.project_code": ("项目代码", "project code"),
    "spark.column.project": ("项目名称", "project"),
    "spark.column.project_category": ("项目类别", "project category"),
    "spark.column.hot_topic": ("热点分类", "hot topic"),
}
