"""Reading the published 部门预算/决算 PDF itself: tables from the text layer, each number proven against its page."""

from budget_guard.ingest.pdf.document import PdfDocument, PdfTable, PdfUnavailable, read_pdf

__all__ = ["PdfDocument", "PdfTable", "PdfUnavailable", "read_pdf"]
