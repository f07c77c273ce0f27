"""Messages of the fault handling in batch runs (issue #11)."""

TEXT: dict[str, tuple[str, str]] = {
    "cli.warning": ("警告：{message}", "warning: {message}"),
}
