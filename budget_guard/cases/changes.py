"""What changed since the last submission, per department: this run against the previous run of other data.

Pure: the ledger's ``run_cells`` (every graded cell of every run with the content hash of its scope's
lines) and case history in, one ``ScopeChanges`` per scope out. For each scope (a department, the
government total, …) "this run" is the latest run that graded it, and "the previous submission"
the latest earlier run whose hash of that scope's lines differs — a re-run of the same data is not
a submission, so it never hides what the last real change did. Cells whose state moved (to red,
yellow, white, 达标, or to 无数据 / 不可比) are listed, with the cases opened, rectified, escalated,
listed or reopened for that scope in the runs since the previous submission.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from budget_guard import messages as msg
from budget_guard.clock import beijing_minutes
from budget_guard.engine.compare import GOVERNMENT
from budget_guard.errors import required

CASE_KINDS: tuple[str, ...] = ("opened", "rectified", "escalated", "listed", "reopened", "not_rectified")
_EVENT_BUCKET = {
    "opened": "opened",
    "rectified": "rectified",
    "escalated": "escalated",
    "level_raised": "escalated",
    "listed": "listed",
    "reopened": "reopened",
    "not_rectified": "not_rectified",
}
_STATE_ORDER = ("red", "yellow", "white", "compliant", "not_comparable", "no_data", "absent")


@dataclass(frozen=True)
class CellChange:
    category: str
    category_zh: str
    category_en: str
    year: int
    stage: str
    before: str  # a cell state, or "absent" (the cell was not graded in that run)
    after: str
    amount_fen: int | None = None
    prev_amount_fen: int | None = None


@dataclass(frozen=True)
class ScopeChanges:
    scope_type: str
    scope: str
    run_id: int
    file: str
    at: str
    previous_run_id: int | None  # None: the first submission of this scope in the ledger
    reruns: int = 0  # later runs of the same data (not submissions)
    previous_file: str = ""
    previous_at: str = ""
    cells: tuple[CellChange, ...] = ()
    cases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.cells) or any(self.cases.values())

    def record(self, lang: str) -> dict[str, Any]:
        """The JSON form (``cases changes --json``): ids and states, with the words a person reads."""
        out = asdict(self)
        out["cells"] = [
            {
                **asdict(c),
                "text": cell_text(c, lang),
            }
            for c in self.cells
        ]
        out["cases"] = {k: list(v) for k, v in self.cases.items()}
        out["at_beijing"] = beijing_minutes(self.at)
        out["previous_at_beijing"] = beijing_minutes(self.previous_at) if self.previous_at else ""
        return out


def _state_word(state: str, lang: str) -> str:
    return msg.t(f"case.changes.state.{state}", lang)


def cell_text(change: CellChange, lang: str) -> str:
    name = change.category_en if lang == "en" else change.category_zh
    if change.before == "absent":
        return msg.t(
            "case.changes.cell_new",
            lang,
            category=name or change.category,
            year=change.year,
            after=_state_word(change.after, lang),
        )
    return msg.t(
        "case.changes.cell",
        lang,
        category=name or change.category,
        year=change.year,
        before=_state_word(change.before, lang),
        after=_state_word(change.after, lang),
    )


def submission_changes(
    cells: Sequence[dict[str, Any]],
    events: Iterable[dict[str, Any]],
    *,
    scope: str | None = None,
) -> list[ScopeChanges]:
    """Per scope: its latest run against its previous submission (other data). ``scope``: only scopes containing it."""
    by_scope: dict[tuple[str, str], dict[int, list[dict[str, Any]]]] = {}
    for cell in cells:
        key = (cell["scope_type"], cell["scope"])
        if scope and scope not in cell["scope"]:
            continue
        by_scope.setdefault(key, {}).setdefault(int(cell["run_id"]), []).append(cell)
    events = list(events)
    out: list[ScopeChanges] = []
    for (scope_type, name), runs in by_scope.items():
        order = sorted(runs)
        latest = order[-1]
        now_hash = runs[latest][0]["input_hash"]
        previous = next((r for r in reversed(order[:-1]) if runs[r][0]["input_hash"] != now_hash), None)
        # this submission: the first run of the trailing streak of the same data (later ones are re-runs)
        streak = [r for r in order if previous is None or r > previous]
        submitted = streak[0]
        if previous is not None:  # the previous submission is named by its first run too
            before_hash = runs[previous][0]["input_hash"]
            earlier = [r for r in order if r <= previous]
            while len(earlier) > 1 and runs[earlier[-2]][0]["input_hash"] == before_hash:
                earlier.pop()
            previous = earlier[-1]
        now_cells = runs[latest]
        before_cells = runs[previous] if previous is not None else []
        out.append(
            ScopeChanges(
                scope_type=scope_type,
                scope=name,
                run_id=submitted,
                file=runs[submitted][0]["file"],
                at=runs[submitted][0]["at"],
                reruns=len(streak) - 1,
                previous_run_id=previous,
                previous_file=before_cells[0]["file"] if before_cells else "",
                previous_at=before_cells[0]["at"] if before_cells else "",
                cells=_cell_changes(before_cells, now_cells),
                cases=_case_changes(events, scope_type, name, previous, latest),
            )
        )
    return sorted(out, key=lambda c: (c.scope_type != GOVERNMENT, not c.changed, c.scope))


def _cell_changes(before: list[dict[str, Any]], now: list[dict[str, Any]]) -> tuple[CellChange, ...]:
    def keyed(cells: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
        return {(c["category"], int(c["year"]), c["stage"]): c for c in cells}

    old, new = keyed(before), keyed(now)
    changes = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1], k[2])):
        was, is_ = old.get(key), new.get(key)
        before_state = was["state"] if was else "absent"
        after_state = is_["state"] if is_ else "absent"
        if before_state == after_state or (not old and after_state not in ("red", "yellow", "white")):
            continue  # a first submission lists its findings only
        named = required(is_ or was, "the cell of a key taken from the old and the new cells")
        changes.append(
            CellChange(
                category=key[0],
                category_zh=named.get("category_zh") or key[0],
                category_en=named.get("category_en") or key[0],
                year=key[1],
                stage=key[2],
                before=before_state,
                after=after_state,
                amount_fen=is_.get("amount_fen") if is_ else None,
                prev_amount_fen=is_.get("prev_amount_fen") if is_ else None,
            )
        )
    return tuple(sorted(changes, key=lambda c: (_STATE_ORDER.index(c.after), c.category, c.year)))


def _case_changes(
    events: list[dict[str, Any]], scope_type: str, scope: str, previous: int | None, latest: int
) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {k: [] for k in CASE_KINDS}
    for event in events:
        run_id = event.get("run_id")
        if run_id is None or event["scope_type"] != scope_type or event["scope"] != scope:
            continue
        if not ((previous is None or run_id > previous) and run_id <= latest):
            continue
        bucket = _EVENT_BUCKET.get(event["kind"])
        if bucket and event["number"] not in found[bucket]:
            found[bucket].append(event["number"])
    return {k: tuple(v) for k, v in found.items()}


def scope_title(change: ScopeChanges, lang: str) -> str:
    """ "农业农村局：第4次运行（city.csv）对比上次报送（第1次运行，…）" — what is compared with what."""
    again = msg.t("case.changes.reruns", lang, count=change.reruns) if change.reruns else ""
    return _title(change, lang) + again


def _title(change: ScopeChanges, lang: str) -> str:
    if change.previous_run_id is None:
        return msg.t(
            "case.changes.first",
            lang,
            scope=change.scope,
            run=change.run_id,
            file=change.file,
            at=beijing_minutes(change.at),
        )
    return msg.t(
        "case.changes.title",
        lang,
        scope=change.scope,
        run=change.run_id,
        file=change.file,
        at=beijing_minutes(change.at),
        previous=change.previous_run_id,
        previous_file=change.previous_file,
        previous_at=beijing_minutes(change.previous_at),
    )


def case_lines(change: ScopeChanges, lang: str) -> list[str]:
    """One line per kind of case change that happened ("新立案：督〔2026〕0006号")."""
    return [
        msg.t(
            "case.changes.cases",
            lang,
            kind=msg.t(f"cli.cases_kind.{kind}", lang),
            numbers="、".join(numbers),
        )
        for kind, numbers in change.cases.items()
        if numbers
    ]
