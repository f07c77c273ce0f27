"""Amounts and codes as bureaus write them: exact fen, the same as Decimal arithmetic."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from budget_guard.ingest.recognise.numbers import ECON_LENGTHS, FUNC_LENGTHS, clean_codes, parse_amounts
from budget_guard.model.table import yuan_to_fen


def test_written_forms():
    cells = pd.Series(
        [
            "1,234.56",
            "１，２３４．５６",
            "(12.30)",
            "（１２．３）",
            "—",
            "-",
            None,
            "  7 ",
            "-0.005",
            "1.5e3",
            "12万",
            "abc",
        ]
    )
    fen, status = parse_amounts(cells, unit="元", blank_is_zero=True)
    assert fen.tolist()[:10] == [123456, 123456, -1230, -1230, 0, 0, 0, 700, -1, 150000]
    assert status.tolist()[-2:] == ["bad", "bad"]
    assert status.tolist()[6] == "blank"


def test_wan_is_exact():
    fen, _ = parse_amounts(pd.Series(["4,884.09", "0.01", "123456789.123456"]), unit="万元")
    assert fen.tolist() == [4_884_090_000, 10_000, 123_456_789_123_456]


@given(
    value=st.decimals(
        min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=6, allow_nan=False
    ),
    unit=st.sampled_from(["元", "万元", "千元"]),
    separators=st.booleans(),
)
def test_same_as_decimal(value, unit, separators):
    text = f"{value:,f}" if separators else f"{value:f}"
    fen, status = parse_amounts(pd.Series([text]), unit=unit)
    scale = {"元": 1, "千元": 1000, "万元": 10000}[unit]
    assert status.iloc[0] in ("ok", "rounded")  # rounded: digits below the fen (a notice)
    assert fen.iloc[0] == yuan_to_fen(value * scale)
    negative, _ = parse_amounts(pd.Series([f"({abs(value):f})"]), unit=unit)
    expected = -int((abs(value) * scale * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert negative.iloc[0] == expected


def test_codes_keep_text_and_explain():
    codes, problem = clean_codes(pd.Series(["2010301.0", "0201", "20103A1", "2010", "２０１"]), FUNC_LENGTHS)
    assert codes.tolist()[:2] == ["2010301", pd.NA][:1] + [pd.NA] or codes.iloc[0] == "2010301"
    assert codes.iloc[0] == "2010301" and codes.iloc[4] == "201"
    assert "4" in problem.iloc[1] and "non-digits" in problem.iloc[2] and "4" in problem.iloc[3]
    econ, econ_problem = clean_codes(pd.Series(["30217", "3021701"]), ECON_LENGTHS)
    assert econ.iloc[0] == "30217" and pd.isna(econ.iloc[1]) and "7" in econ_problem.iloc[1]
