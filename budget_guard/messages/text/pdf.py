"""Messages of reading the published PDF itself (ingest/pdf/, #21)."""

TEXT: dict[str, tuple[str, str]] = {
    "problem.title.pdf-reader-missing": ("未安装PDF读取组件", "PDF reader not installed"),
    "problem.hint.pdf-reader-missing": (
        '安装PDF组件：pip install "budget-guard[pdf]"',
        'Install the PDF extra: pip install "budget-guard[pdf]"',
    ),
    "problem.title.pdf-page-scanned": ("扫描页无文字层", "scanned page without text"),
    "problem.hint.pdf-page-scanned": (
        "请使用带文字层的原版PDF（可选中文字），或提供Excel格式的表格；本工具暂不做文字识别",
        "Use the PDF as published (text can be selected), or give the tables as Excel; OCR is not available",
    ),
    "problem.title.pdf-page-sideways": ("页面文字横躺", "sideways text"),
    "problem.hint.pdf-page-sideways": (
        "用PDF工具把该页旋转后另存，或提供Excel格式的表格",
        "Rotate the page in a PDF tool and save it, or give the table as Excel",
    ),
    "problem.title.pdf-text-pages": ("文字页", "text pages"),
    "problem.hint.pdf-text-pages": (
        "仅供参考：PDF中只读取有表格线的表格",
        "Informational: only ruled tables are read from a PDF",
    ),
    "problem.title.pdf-numbers-unproven": ("表格数字与页面不符", "table numbers differ from the page"),
    "problem.hint.pdf-numbers-unproven": (
        "该表无法从PDF可靠读取：请核对该页，或提供Excel格式的表格",
        "The table cannot be read reliably from the PDF: check the page, or give the table as Excel",
    ),
    "problem.title.pdf-row-outside-table": ("表格线外的金额行", "a row outside the table"),
    "problem.hint.pdf-row-outside-table": (
        "表格线以外印有金额行，未被读入：请核对该页，或提供Excel格式的表格",
        "A row of amounts printed outside the ruled table was lost: check the page, or give the table as Excel",
    ),
    "problem.title.pdf-row-recovered": ("续页首行已读入", "continuation row recovered"),
    "problem.hint.pdf-row-recovered": (
        "仅供参考：该行的数字同样与页面核对",
        "Informational: the row's numbers are still checked against the page",
    ),
    "problem.title.narrative-figure-differs": ("正文与表格数字不一致", "narrative differs from the table"),
    "problem.hint.narrative-figure-differs": (
        "核对哪一个数字正确：公开的说明与表格必须一致",
        "Check which figure is right: the published narrative and its table must agree",
    ),
    "problem.title.narrative-figures-agree": ("正文与表格一致", "narrative agrees with the table"),
    "problem.hint.narrative-figures-agree": (
        "仅供参考：正文数字已与表格核对",
        "Informational: the narrative's figures were checked",
    ),
    "problem.title.pdf-table-not-used": ("表格未计入", "table not used"),
    "problem.hint.pdf-table-not-used": (
        "见该页的数字核对问题；提供Excel格式的表格即可读入",
        "See the page's number-check problem; give the table as Excel to read it",
    ),
    "place.pdf_page": ("第{page}页", "page {page}"),
    "place.pdf_table": ("第{pages}页 表{number}", "page {pages} table {number}"),
}
