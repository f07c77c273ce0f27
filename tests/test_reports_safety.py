"""safety.py: no formula runs from a cell, no file name escapes its folder, no half-written file survives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_guard.outputs.escape import EXCEL_MAX_CELL_CHARS, escape_cell, excel_cell
from budget_guard.outputs.files import (
    MAX_NAME_BYTES,
    atomic_write_text,
    atomic_writer,
    is_temp_name,
    remove_stale_temps,
    replace_dir,
    safe_filename,
    safe_join,
    temp_dir_for,
)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"],
)
def test_formula_like_text_gets_a_leading_quote(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["行政运行", "a=b", "2025年", "", 12.5, -3, None])
def test_ordinary_values_pass_unchanged(value):
    assert escape_cell(value) == value


def test_excel_cell_drops_control_characters_and_caps_length():
    assert excel_cell("办公\x07费\x00") == "办公\ufffd费\ufffd"
    assert excel_cell("=1\x1f") == "'=1\ufffd"
    assert len(excel_cell("x" * 40_000)) == EXCEL_MAX_CELL_CHARS
    assert excel_cell(3.5) == 3.5


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("..", "file"),
        ("", "file"),
        (".bashrc", "bashrc"),
        ("财政局 2025年预算.xlsx", "财政局 2025年预算.xlsx"),
        ('a<b>c:"d"|e?f*.csv', "a_b_c__d__e_f_.csv"),
        ("CON.txt", "_CON.txt"),
        ("report\x00.json", "report_.json"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_long_names_are_trimmed_and_keep_their_extension():
    name = safe_filename("部门" * 200 + ".xlsx")
    assert name.endswith(".xlsx")
    assert len(name.encode()) <= MAX_NAME_BYTES


@given(st.text(max_size=300))
def test_safe_filename_is_always_one_harmless_name(name):
    out = safe_filename(name)
    assert out and "/" not in out and "\\" not in out and "\x00" not in out
    assert not out.startswith(".")
    assert len(out.encode()) <= MAX_NAME_BYTES


def test_safe_join_stays_inside(tmp_path):
    assert safe_join(tmp_path, "../../x.json") == tmp_path.resolve() / "x.json"


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temp(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target, "w", encoding="utf-8") as handle:
        handle.write("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_replace_dir_swaps_a_whole_folder(tmp_path):
    target = tmp_path / "data_docs"
    target.mkdir()
    (target / "old.html").write_text("old")
    built = temp_dir_for(target)
    (built / "index.html").write_text("new")
    replace_dir(built, target)
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data_docs"]


def test_stale_temps_are_recognised_and_removed(tmp_path):
    (tmp_path / ".r.json.tmp-abc").write_text("half")
    (tmp_path / ".data_docs.tmp-xyz").mkdir()
    (tmp_path / "r.json").write_text("whole")
    removed = remove_stale_temps(tmp_path)
    assert len(removed) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    assert is_temp_name(".x.xlsx.tmp-1") and not is_temp_name("x.xlsx")


def test_written_files_are_readable_by_others(tmp_path):
    target = atomic_write_text(tmp_path / "r.html", "<p>")
    assert os.stat(target).st_mode & 0o044 == 0o044
    assert isinstance(target, Path)
