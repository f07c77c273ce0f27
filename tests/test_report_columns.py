"""The reports' work by column gives exactly what the per-row code gave: amounts in 万元, JSON rows,
finding messages and the source rows behind each finding.

Each vectorised function is compared with the row-by-row one it replaced (kept here, or still in the
package where other code uses it) on the sample city and on fixtures built to hit the edge cases:
negative amounts that show as -0.00, missing values of every kind, caps on listed sources.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from budget_guard import evaluate, load_rules, read_budget
from budget_guard.engine.backends.pandas_backend import line_summary
from budget_guard.engine.findings import message, messages
from budget_guard.engine.lineage import MAX_ROW_RANGES, MAX_SOURCE_RANGES, SourceIndex
from budget_guard.ingest.load_result import LoadResult
from budget_guard.model.table import format_wan, format_wan_array
from budget_guard.reports.json_report import FEN_SUFFIX, WAN_SUFFIX, build_report, dumps, frame_records

SAMPLE_CSV = Path(__file__).resolve().parent.parent / "sample_data" / "csv" / "city_budget_2021_2025.csv"


@pytest.fixture(scope="module")
def sample():
    load = read_budget([SAMPLE_CSV])
    return load, evaluate(load.table, load_rules())


# -- the per-row reference: frame_records as it was, one Python call per cell --------------------


def _row_python_values(series: pd.Series) -> list:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return [bool(v) for v in series.to_numpy()]
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_extension_array_dtype(dtype):
        return series.to_numpy().tolist()
    if pd.api.types.is_float_dtype(dtype):
        return [None if not math.isfinite(v) else v for v in series.to_numpy(dtype=float).tolist()]
    out = []
    for v in series.astype(object).to_numpy():
        if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NaT:
            out.append(None)
        elif isinstance(v, np.generic):
            item = v.item()
            out.append(None if isinstance(item, float) and not math.isfinite(item) else item)
        else:
            out.append(v)
    return out


def _row_records(frame: pd.DataFrame) -> list[dict]:
    columns: dict[str, list] = {}
    for name in frame.columns:
        key = str(name)
        if key.endswith(FEN_SUFFIX):
            numbers = pd.to_numeric(frame[name].astype(object), errors="coerce").to_numpy(dtype=float)
            fen = [None if not math.isfinite(v) else int(round(v)) for v in numbers]
            columns[key] = fen
            columns[key[: -len(FEN_SUFFIX)] + WAN_SUFFIX] = [
                None if v is None else format_wan(v) for v in fen
            ]
        else:
            columns[key] = _row_python_values(frame[name])
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _same_records(new: list[dict], old: list[dict]) -> None:
    assert new == old
    assert [list(r) for r in new] == [list(r) for r in old]  # key order too
    # the same JSON scalars: True is not 1, 1.0 is not 1
    assert [[type(v) for v in r.values()] for r in new] == [[type(v) for v in r.values()] for r in old]


# -- amounts --------------------------------------------------------------------------------------


def test_format_wan_array_is_format_wan_for_every_amount():
    edges = [0, 1, -1, -40, 4_999, 5_000, -5_000, -5_001, 9_999, 15_000, -15_000, 25_000, 123_456_789]
    edges += [-123_456_789, 10**15 + 5_000, -(10**15) - 5_000, 2**62]
    rng = np.random.default_rng(3)
    values = (
        edges
        + rng.integers(-(10**13), 10**13, 5_000).tolist()
        + rng.integers(-20_000, 20_000, 5_000).tolist()
    )
    assert format_wan_array(values) == [format_wan(v) for v in values]
    assert format_wan_array(np.array([-40, -40, 40])) == ["-0.00", "-0.00", "0.00"]  # a cut below 0.01 万元
    assert format_wan_array([]) == []


# -- JSON rows ------------------------------------------------------------------------------------


def test_frame_records_equals_the_row_by_row_records_on_the_sample(sample):
    load, ev = sample
    for frame in (ev.findings, ev.summary, ev.reconciliation, ev.double_counted, load.rejected):
        _same_records(frame_records(frame), _row_records(frame))
    assert len(ev.summary) > 300  # every summary cell of the sample city, not a token frame


def test_frame_records_converts_every_kind_of_missing_value_as_before():
    frame = pd.DataFrame(
        {
            "amount_fen": [150_000, np.nan, -4_000, 2.0**40],  # money after a concat: float with NaN
            "text_fen": pd.Series(["12", None, "x", "-5000"], dtype=object),  # money as text
            "gap_fen": pd.array([1, None, -3, 4], dtype="Int64"),
            "rate": [0.5, np.nan, np.inf, -np.inf],
            "flag": pd.Series([True, None, False, np.nan], dtype=object),
            "count": pd.Series([np.int64(3), None, 2.5, np.float64("nan")], dtype=object),
            "scope": pd.Categorical(["教育局", None, "财政局", "教育局"]),
            "year": pd.Categorical([2024, 2025, None, 2024]),
            "name": pd.Series(["a", pd.NA, None, np.nan], dtype=object),
            "nothing": pd.Series([None, np.nan, None, None], dtype=object),
            "label": pd.array(["x", None, "z", "w"], dtype="string"),
            "when": pd.Series([pd.Timestamp("2025-01-01"), pd.NaT, None, None], dtype=object),
            "ok": [True, False, True, True],
            "n": [1, 2, 3, 4],
        }
    )
    new = frame_records(frame)
    _same_records(new, _row_records(frame))
    assert new[1]["amount_fen"] is None and new[1]["amount_wan"] is None
    assert new[2]["amount_wan"] == "-0.00" and new[2]["text_wan"] is None
    assert new[2]["rate"] is None and new[1]["scope"] is None and new[2]["year"] is None


def test_report_json_parses_to_the_same_document_as_the_standard_encoder(sample):
    load, ev = sample
    document = build_report(ev, load)
    text = dumps(document)
    assert text.endswith("\n")
    assert json.loads(text) == json.loads(json.dumps(document, ensure_ascii=False, allow_nan=False))


def test_json_still_refuses_a_nan_outside_the_frames(sample):
    load, ev = sample
    document = build_report(ev, load)
    document["outcome"]["whatif"] = [{"share": float("nan")}]
    with pytest.raises(ValueError):
        dumps(document)
    with pytest.raises(ValueError):
        dumps({"rows": [(1, float("inf"))]})


# -- finding messages -----------------------------------------------------------------------------


def _assert_messages_match(rows: pd.DataFrame, rules) -> None:
    for lang in ("zh", "en"):
        expected = [message(r, rules, lang) for r in rows.to_dict("records")]
        assert messages(rows, rules, lang) == expected


def test_messages_equal_the_row_by_row_message_for_every_sample_cell(sample):
    _, ev = sample
    rows = ev.summary.loc[ev.summary["reason"].notna()]
    assert {"compliant", "first_year", "wrong_direction", "shortfall"} <= set(rows["reason"])
    _assert_messages_match(rows, ev.rules)


def test_messages_match_on_the_comparable_basis_and_below_materiality(sample):
    """The two sentences added to a message: 全市合计 leaving departments out, a gap below materiality."""
    _, ev = sample
    graded = ev.summary.loc[ev.summary["reason"].isin(["wrong_direction", "shortfall"])].copy()
    government = graded.loc[graded["scope_type"] == "government"].head(1)
    assert len(graded) and len(government)
    edited = pd.concat([graded, government.assign(basis_amount_fen=np.nan)], ignore_index=True)
    edited["excluded_departments"] = [2] * len(edited)
    edited["below_materiality"] = [i % 2 == 0 for i in range(len(edited))]
    edited["gap_fen"] = [123_456 + i for i in range(len(edited))]
    edited.loc[0, "change_rate"] = np.nan
    _assert_messages_match(edited, ev.rules)
    assert "剔除2个" in messages(edited, ev.rules, "zh")[0]


# -- the source rows behind findings --------------------------------------------------------------


def _one_by_one(index: SourceIndex, requests) -> list[tuple[str, int]]:
    return [(index.describe(p), len(p)) for p in (index.positions(*r) for r in requests)]


def _requests(table: pd.DataFrame, categories, scopes, years) -> list:
    out = []
    for category in categories:
        for year in years:
            out.append((category, [year - 1, year], None))
            out += [(category, [year - 1, year], s) for s in scopes] + [(category, [year], s) for s in scopes]
    return out + [(categories[0], [years[-1]], "没有这个部门"), (categories[0], [1990], scopes[0])]


def test_describe_cells_equals_describing_each_finding_alone(sample):
    load, ev = sample
    table = load.table
    half = line_summary(table, ev.rules)
    index = SourceIndex(table, half.membership, ev.rules.compare.stage)
    departments = sorted(table["department"].astype(str).unique())
    years = sorted(int(y) for y in table["year"].unique())
    requests = _requests(table, list(half.membership.columns), departments, years)
    described = index.describe_cells(requests)
    assert described == _one_by_one(index, requests)
    assert any(count for _, count in described) and any("city_budget" in text for text, _ in described)


def test_describe_cells_keeps_the_caps_on_files_and_row_ranges():
    """Lines of one department spread over many files and sheets with scattered rows: the text lists
    at most MAX_SOURCE_RANGES file:sheet groups and MAX_ROW_RANGES row ranges in each, as before."""
    rng = np.random.default_rng(5)
    n = 6_000
    table = pd.DataFrame(
        {
            "department": rng.choice(["甲局", "乙局", "丙局"], n),
            "year": rng.choice([2024, 2025], n),
            "stage": "budget",
            "source_file": rng.choice([f"f{i:02d}.xlsx" for i in range(20)], n),
            "source_sheet": rng.choice(["", "表一", "表二"], n),
            "source_row": rng.integers(1, 400, n),
        }
    )
    every_other_row = pd.DataFrame(  # one file, 200 rows none of them adjacent: 200 ranges
        {"department": "丁局", "year": 2025, "stage": "budget", "source_file": "one.csv", "source_sheet": ""}
        | {"source_row": np.arange(2, 402, 2)}
    )
    table = pd.concat([table, every_other_row], ignore_index=True)
    membership = pd.DataFrame({"a": rng.random(len(table)) < 0.8, "b": rng.random(len(table)) < 0.05})
    membership.loc[n:, "a"] = True
    index = SourceIndex(table, membership, "budget")
    requests = _requests(table, ["a", "b"], ["甲局", "乙局", "丙局", "丁局"], [2025])
    described = index.describe_cells(requests)
    assert described == _one_by_one(index, requests)
    text = described[1][0]
    assert text.count("; ") == MAX_SOURCE_RANGES - 1 and "行 / " in text
    one_file = described[requests.index(("a", [2025], "丁局"))][0]
    assert one_file.startswith("one.csv:2,4,6,") and one_file.endswith(",…")
    assert one_file.count(",") == MAX_ROW_RANGES  # 40 ranges and the mark that more follow


def test_describe_cells_on_a_load_without_scoped_requests(sample):
    load, ev = sample
    half = line_summary(load.table, ev.rules)
    index = SourceIndex(load.table, half.membership, ev.rules.compare.stage)
    requests = [("sangong", [2024, 2025], None)]
    assert index.describe_cells(requests) == _one_by_one(index, requests)
    assert index.describe_cells([]) == []


def test_load_result_without_tables_still_reports(sample):
    _, ev = sample
    assert json.loads(dumps(build_report(ev, LoadResult())))["inputs"] == []


def test_workbook_columns_are_escaped_as_cell_by_cell():
    """The 督办单's plain sheets escape a text column once per distinct value: same cells as before."""
    from budget_guard.reports.xlsx_report import _plain_column, _plain_value

    columns = [
        pd.Series(["=cmd|' /C calc'!A0", "教育局", None, "教育局", np.nan, "+1", "a\x01b", "x" * 40_000]),
        pd.Series(["@SUM(A1)", pd.NA, "-2"], dtype=object),
        pd.Categorical(["财政局", None, "财政局"]),
        pd.Series([1, 2, 3]),
        pd.Series([1.5, np.nan, 2.0]),
        pd.Series([True, None, 3, "=1"], dtype=object),
        pd.Series([None, None], dtype=object),
    ]
    for column in columns:
        series = pd.Series(column)
        expected = [_plain_value(v) for v in series.astype(object).to_numpy()]
        assert _plain_column(series) == expected
    assert _plain_column(columns[0])[0].startswith("'=")  # still escaped


def test_json_takes_numpy_scalars_as_the_standard_encoder_did():
    document = {"share": np.float64(0.25), "count": np.int64(3), "rows": [np.float64(1.5)]}
    assert json.loads(dumps(document)) == {"share": 0.25, "count": 3, "rows": [1.5]}
    with pytest.raises(ValueError):
        dumps({"share": np.float64("nan")})
    with pytest.raises(ValueError):
        dumps({"share": np.float32("inf")})
    with pytest.raises(TypeError):
        dumps({"what": object()})
