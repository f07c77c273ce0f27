"""What the page may show for a run: one error per file that failed, and whether any result exists.

A failed upload must read as an error, never as a clean screen: each unreadable file gets one line
naming the problem and its fix from the problem catalogue (never a library's own message), and the
level tiles, matrix, result tabs and downloads are withheld while nothing was compared like for like
(``outcome.run_outcome``), since tiles of zeros could be signed off as 达标.
"""

from __future__ import annotations

from dataclasses import dataclass

from budget_guard import messages as msg
from budget_guard.engine.evaluate import Evaluation
from budget_guard.errors import Place
from budget_guard.ingest.load_result import LoadResult
from budget_guard.runs.outcome import RunOutcome, run_outcome, unreadable_files


@dataclass(frozen=True)
class Gate:
    """The run's outcome line, the per-file errors, and whether results may be shown."""

    outcome: RunOutcome
    file_errors: tuple[str, ...]
    worst: str  # the outcome of the files that were read (states.OUTCOMES)

    def outcome_text(self, lang: str) -> str:
        """The outcome line; with failed files it names them only (their errors are shown one each)."""
        if not self.outcome.failed_files:
            return self.outcome.headline(lang)
        names = ("、" if lang == "zh" else ", ").join(self.outcome.failed_files)
        text = msg.t("headline.input_failed", lang, count=len(self.outcome.failed_files), detail=names)
        if self.show_results:
            text += msg.t("headline.partial", lang, worst=msg.t(f"outcome.{self.worst}", lang))
        return text

    @property
    def show_results(self) -> bool:
        """Results only when some cell was compared (``RunOutcome.graded_cells``), failed files or not."""
        return self.outcome.graded_cells > 0


def file_errors(load: LoadResult, lang: str) -> tuple[str, ...]:
    """One line per unreadable file: its name, where, the catalogue's name of the problem and the fix."""
    out = []
    for f in unreadable_files(load):
        problems = [p for p in load.errors if p.file in (f.name, f.path)]
        if not problems:
            out.append(msg.t("app.gate.file_no_lines", lang, name=f.name))
            continue
        first = problems[0]
        where = Place(sheet=first.sheet, row=first.row, column=first.column).describe(lang)
        more = msg.t("app.gate.more", lang, count=len(problems) - 1) if len(problems) > 1 else ""
        out.append(
            msg.t(
                "app.gate.file",
                lang,
                name=f.name,
                where=(f"（{where}）" if lang == "zh" else f" ({where})") if where else "",
                title=first.title(lang),
                hint=first.hint(lang),
                more=more,
            )
        )
    return tuple(out)


def gate(evaluation: Evaluation, load: LoadResult, lang: str) -> Gate:
    return Gate(run_outcome(evaluation, load), file_errors(load, lang), evaluation.outcome())
