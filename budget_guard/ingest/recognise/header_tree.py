"""A table's header read as a tree of columns, and the sums its structure states.

A published table's header is printed over several rows with merged cells::

    合计 | “三公”经费                                                  | 会议费 | 培训费
         | 小计 | 因公出国（境）费 | 公务用车购置及运行维护费       | 公务接待费 |
         |      |                  | 小计 | 购置费 | 运行维护费    |

Each leaf column gets its path of labels (``“三公”经费 › 公务用车购置及运行维护费 › 购置费``). Labels
that only split a figure by stage or year (``预算数 | 决算数``, ``2024年``) are *dimensions*, not
items: they are taken out of the path and the tree is built once per dimension, so ``合计 › 预算数``
and ``合计 › 决算数`` are the same item at two stages.

The structure then says which columns add up to which, without knowing any table:

- an **aggregate** child (``合计``, ``总计``, ``小计``, ``共计``, ``计``, or a label ending in one of
  them) of a group is the sum of the group's other children; a group's value is its aggregate's
  column (or its own column, when the group label itself heads a column), else the sum of its
  children's values;
- a ``其中`` child is *part of* the child printed before it: never summed with its siblings, and at
  most that sibling;
- an aggregate is never a summand of its own group.

Spans come from the workbook's merged ranges when there are any; otherwise (a CSV, a grid a PDF
reader built) a label carries to the right over empty cells, but never across the span of the label
above it nor into a cell a merged range covers. A wrong span shows as a relation that does not add
up — it is reported, never silently summed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from budget_guard.ingest.recognise.header_block import clean_label

Merge = tuple[
    tuple[int, int], tuple[int, int]
]  # calamine: ((first row, first col), (last row, last col)), 0-based

SEPARATOR = "|"
SUM, OF_WHICH = "sum", "of-which"  # Relation.kind: total = Σ parts; total ≥ Σ parts

_BARE_AGGREGATE = re.compile(r"^(?:合计|总计|小计|共计|计|总额|合计数)$")
_NAMED_AGGREGATE = re.compile(r"(?:合计|总计|小计|共计)$")
_OF_WHICH = re.compile(r"^其中[:：]?")
_DIMENSION = re.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?)?"
    r"(?:(?:年初|全年|调整后?|本年|上年)?(?:预算|决算|执行|实际|完成|预计执行|预算执行)数?|本年数?|上年数?"
    r"|(?:19|20)\d{2}年(?:度)?)$"
)
_QUOTES = re.compile(r"[“”\"'‘’「」『』]")


def is_dimension(label: str) -> bool:
    """``预算数``, ``2024年决算数``, ``上年`` …: a label that splits a figure by stage or year."""
    return bool(_DIMENSION.match(_QUOTES.sub("", label)))


def is_aggregate(label: str) -> bool:
    """``合计``, ``小计``, ``计``, or a named one (``“三公”经费合计``)."""
    text = _QUOTES.sub("", label)
    return bool(_BARE_AGGREGATE.match(text) or _NAMED_AGGREGATE.search(text))


def is_bare_aggregate(label: str) -> bool:
    return bool(_BARE_AGGREGATE.match(_QUOTES.sub("", label)))


def is_of_which(label: str) -> bool:
    return bool(_OF_WHICH.match(label))


@dataclass(frozen=True)
class Leaf:
    """One column of the table: its position (0-based), its item path and its dimension labels."""

    position: int
    path: tuple[str, ...]
    dims: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The full label as printed, top to bottom: ``合计|预算数``."""
        return SEPARATOR.join(self.full)

    @property
    def full(self) -> tuple[str, ...]:
        return self.path + self.dims if not self._dims_first else self.dims + self.path

    _dims_first: bool = False


@dataclass
class Node:
    """An item of the header: a label, its own column (if it heads one), and its children in print order."""

    label: str
    path: tuple[str, ...]
    column: Leaf | None = None
    children: list[Node] = field(default_factory=list)
    # more columns under the same path: a label carried over columns whose own labels were lost.
    # They count in the node's value (so a relation around it fails), never silently dropped.
    repeats: list[Leaf] = field(default_factory=list)

    @property
    def aggregate(self) -> bool:
        return is_aggregate(self.label)

    @property
    def of_which(self) -> bool:
        return is_of_which(self.label)

    def child(self, label: str) -> Node:
        for c in self.children:
            if c.label == label:
                return c
        node = Node(label, (*self.path, label))
        self.children.append(node)
        return node

    def total_column(self) -> Leaf | None:
        """The column that prints this node's value: its own, else its one aggregate child (a bare
        one preferred: ``合计`` over ``“三公”经费小计`` beside it)."""
        if self.column is not None:
            return self.column
        aggregates = [c for c in self.children if c.aggregate and c.column is not None]
        bare = [c for c in aggregates if is_bare_aggregate(c.label)]
        chosen = bare if bare else aggregates
        return chosen[0].column if len(chosen) == 1 else None

    def value_columns(self) -> list[Leaf] | None:
        """The printed columns whose sum is this node's value (``None`` when the header does not say)."""
        if self.column is not None:
            return [self.column, *self.repeats]
        total = self.total_column()
        if total is not None:
            return [total]
        parts = [c for c in self.children if not c.aggregate and not c.of_which]
        if not parts:
            return None
        out: list[Leaf] = []
        for part in parts:
            columns = part.value_columns()
            if columns is None:
                return None
            out += columns
        return out

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True)
class Relation:
    """A sum the header states: ``total`` = Σ ``parts`` (``SUM``) or ``total`` ≥ Σ ``parts`` (``OF_WHICH``)."""

    total: Leaf
    parts: tuple[Leaf, ...]
    group: tuple[str, ...]  # the path of the group the relation belongs to (() for the whole header)
    dims: tuple[str, ...]
    kind: str = SUM


@dataclass
class HeaderTree:
    """The leaves of a header and, per dimension (``('预算数',)``, ``()`` …), the tree of its items."""

    leaves: list[Leaf]
    roots: dict[tuple[str, ...], Node]

    def leaf(self, position: int) -> Leaf | None:
        return next((leaf for leaf in self.leaves if leaf.position == position), None)

    def lifted(self, apart) -> HeaderTree:
        """The tree with every column for which ``apart(leaf)`` holds moved to the top level.

        A reader that knows a column is not part of the group above it (会议费 under a 公务接待费 or
        “三公”经费 label carried over it, when the labels were printed on different rows) says so
        with ``apart``; the column then stands beside the group, its own figure, in no sum of it.
        """
        paths = {}
        for leaf in self.leaves:
            path = leaf.path[-1:] if apart(leaf) else leaf.path
            paths[leaf.position] = leaf.dims + path if leaf._dims_first else path + leaf.dims
        return build(paths)

    def repeated(self) -> list[tuple[Leaf, Leaf]]:
        """(first, repeat) for every column whose path and dimension another column already has."""
        return [
            (node.column, repeat)
            for root in self.roots.values()
            for node in root.walk()
            if node.column is not None
            for repeat in node.repeats
        ]

    def relations(self, *, skip=lambda leaf: False) -> list[Relation]:
        """Every sum the structure states, per dimension. ``skip(leaf)`` leaves a column out of every
        sum (a figure printed beside the items that is not one of them, e.g. 机关运行经费)."""
        out: list[Relation] = []
        for dims, root in self.roots.items():
            for node in root.walk():
                out += _group_relations(node, dims, skip)
        return out


def _group_relations(node: Node, dims: tuple[str, ...], skip) -> list[Relation]:
    if not node.children:
        return []
    out: list[Relation] = []
    total = node.column if not node.repeats else None
    aggregates = [c for c in node.children if c.aggregate and c.column is not None and not c.repeats]
    if total is None and node.column is None:
        bare = [c for c in aggregates if is_bare_aggregate(c.label)]
        chosen = bare if bare else aggregates
        if len(chosen) == 1:
            total = chosen[0].column
    if total is not None and not skip(total):
        parts: list[Leaf] = []
        complete = True
        for c in node.children:
            if c.aggregate or c.of_which:
                continue
            columns = c.value_columns()
            if columns is None:
                complete = False
                break
            parts += [leaf for leaf in columns if not skip(leaf)]
        if complete and parts:
            out.append(Relation(total, tuple(parts), node.path, dims, SUM))
    # 其中: part of the sibling printed before it
    for before, c in zip(node.children, node.children[1:], strict=False):
        if not c.of_which:
            continue
        whole = before.value_columns()
        of_which = c.value_columns() if c.column is not None or c.children else None
        if whole and len(whole) == 1 and of_which:
            out.append(Relation(whole[0], tuple(of_which), node.path, dims, OF_WHICH))
    return out


def label_paths(
    grid: pd.DataFrame,
    rows: list[int],
    merges: list[Merge] | None = None,
    shared: dict[int, list[str]] | None = None,
) -> dict[int, tuple[str, ...]]:
    """Per column position, the labels above it from top to bottom.

    ``rows`` are the header's grid rows (1-based, as the grid's index). A merged range's text stands
    over every column it spans; a cell a merged range covers is never filled by a label to its left.
    Elsewhere a label carries right over empty cells inside the span of the label above it.
    ``栏次`` rows and rows of column numbers are not labels. ``shared`` rows are body rows that also
    print header labels (only those labels are used, never carried).
    """
    width = grid.shape[1]
    spans: dict[tuple[int, int], int] = {}  # (row, first col) → last col of a merged range
    covered: set[tuple[int, int]] = set()
    row_set = set(rows)
    for (first_row, first_col), (last_row, last_col) in merges or []:
        top = first_row + 1  # grid rows are 1-based
        if not any(top <= r <= last_row + 1 for r in row_set):
            continue
        spans[(top, first_col)] = last_col
        for r in range(top, last_row + 2):
            for c in range(first_col, last_col + 1):
                if (r, c) != (top, first_col):
                    covered.add((r, c))
    groups: list[tuple[str, ...]] = [()] * width
    for row in rows:
        cells = (shared or {}).get(row)
        if cells is None:
            cells = [clean_label(v) for v in grid.loc[row].tolist()]
        if cells and cells[0] in ("栏次", "行次") or all(not c or c.isdigit() for c in cells):
            continue
        filled: list[tuple[str, ...]] = []
        current, limit, merged = "", -1, False  # the label carried, the last column it may reach
        for position in range(width):
            if position and groups[position] != groups[position - 1]:
                current, limit = "", -1  # a new parent span: never carry a label across it
            if shared and row in shared:
                current, limit = "", -1
            if cells[position]:
                current = cells[position]
                merged = (row, position) in spans
                limit = spans.get((row, position), width)  # a merged label stops where its range does
            elif position > limit or ((row, position) in covered and not merged):
                current, limit = "", -1  # past a merged label, or under another label's range
            filled.append(groups[position] + ((current,) if current else ()))
        groups = filled
    return {position: tuple(p for p in groups[position] if p) for position in range(width)}


def build(paths: dict[int, tuple[str, ...]], positions: list[int] | None = None) -> HeaderTree:
    """The tree of the columns ``positions`` (default: every labelled column) from their label paths."""
    leaves: list[Leaf] = []
    roots: dict[tuple[str, ...], Node] = {}
    for position in sorted(positions if positions is not None else paths):
        full = paths.get(position, ())
        if not full:
            continue
        dims = tuple(p for p in full if is_dimension(p))
        path = tuple(p for p in full if not is_dimension(p))
        dims_first = bool(dims) and full[0] == dims[0]
        leaf = Leaf(position, path, dims, dims_first)
        leaves.append(leaf)
        node = roots.setdefault(dims, Node("", ()))
        for label in path:
            node = node.child(label)
        if node.column is None:
            node.column = leaf
        else:
            node.repeats.append(leaf)
    return HeaderTree(leaves, roots)


__all__ = [
    "OF_WHICH",
    "SUM",
    "HeaderTree",
    "Leaf",
    "Node",
    "Relation",
    "build",
    "is_aggregate",
    "is_dimension",
    "label_paths",
]
