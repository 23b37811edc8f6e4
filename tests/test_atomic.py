"""Every content write is atomic: a failure midway leaves each file as it was and no temporary file;
an import of several files applies all of them or none."""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import PINNED_CONTENT, without_region
from docx_samples import jingyan_cailiao
from kb.core.atomic import WriteFailed, write_file, write_files
from kb.cli import main
from kb.office.spreadsheet import CASES_SHEET

DISK_FULL = "（磁盘已满）。原有文件没有改动，也没有留下写了一半的文件。"


def kb(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder (hidden temporary files included) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def fail_on_call(monkeypatch, name: str, number: int, error=errno.ENOSPC):
    """os.<name> raises OSError(error) on its `number`-th call (counting from 1), then works again."""
    real, calls = getattr(os, name), []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == number:
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)
    monkeypatch.setattr(os, name, flaky)
    return calls


# ------------------------------------------------------------------ the helper itself

def test_a_replace_that_fails_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "regions.yaml"
    target.write_bytes(b"regions:\n  - {id: china}\n")
    before = snapshot(tmp_path)
    fail_on_call(monkeypatch, "replace", 1)
    with pytest.raises(WriteFailed) as failed:
        write_file(target, "regions: []\n")
    assert str(failed.value) == f"写入失败：{target}{DISK_FULL}"
    assert snapshot(tmp_path) == before


def test_a_write_that_fails_before_the_data_is_on_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_bytes(b"old\n")
    fail_on_call(monkeypatch, "fsync", 1, errno.EIO)
    with pytest.raises(WriteFailed, match="写入失败"):
        write_file(target, "new\n")
    assert snapshot(tmp_path) == {"a.yaml": b"old\n"}


def test_a_written_file_keeps_the_permissions_of_the_one_it_replaces(tmp_path):
    target = tmp_path / "a.yaml"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_file(target, "新\n")
    assert target.read_text(encoding="utf-8") == "新\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert snapshot(tmp_path) == {"a.yaml": "新\n".encode()}


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_several_files_are_written_all_or_none(tmp_path, monkeypatch, failing_call):
    """Two files replaced, one created, one removed: a rename failing at any point restores all four."""
    old_a, old_b, gone = tmp_path / "a.yaml", tmp_path / "sub" / "b.yaml", tmp_path / "old" / "c.yaml"
    for path, text in ((old_a, b"a\n"), (old_b, b"b\n"), (gone, b"c\n")):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text)
    fresh = tmp_path / "new" / "d.yaml"
    before = snapshot(tmp_path)
    fail_on_call(monkeypatch, "replace", failing_call)
    with pytest.raises(WriteFailed):
        write_files({old_a: "A\n", old_b: "B\n", fresh: "D\n"}, remove=[gone])
    assert snapshot(tmp_path) == before


def test_a_removal_that_fails_puts_back_the_files_already_replaced(tmp_path, monkeypatch):
    keep, gone = tmp_path / "a.yaml", tmp_path / "c.yaml"
    keep.write_bytes(b"a\n")
    gone.write_bytes(b"c\n")
    before = snapshot(tmp_path)
    real_unlink = os.unlink

    def refuse_the_removal(path, *args, **kwargs):
        if Path(path) == gone:
            raise OSError(errno.EACCES, "Permission denied")
        return real_unlink(path, *args, **kwargs)
    monkeypatch.setattr(os, "unlink", refuse_the_removal)
    with pytest.raises(WriteFailed) as failed:
        write_files({keep: "A\n"}, remove=[gone])
    assert str(failed.value) == f"写入失败：{gone}（没有写入权限）。原有文件没有改动，也没有留下写了一半的文件。"
    assert snapshot(tmp_path) == before


def test_all_files_written_when_nothing_fails(tmp_path):
    gone = tmp_path / "c.yaml"
    gone.write_bytes(b"c\n")
    write_files({tmp_path / "a.yaml": "A\n", tmp_path / "x" / "b.yaml": b"B\n"}, remove=[gone])
    assert snapshot(tmp_path) == {"a.yaml": b"A\n", "x/b.yaml": b"B\n"}


def test_a_file_behind_a_symbolic_link_is_written_where_the_link_points(tmp_path):
    real = tmp_path / "elsewhere" / "regions.yaml"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / "regions.yaml"
    link.symlink_to(real)
    write_file(link, "new\n")
    assert link.is_symlink() and real.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["elsewhere", "regions.yaml", "regions.yaml"]


@pytest.mark.parametrize("delay", [0.3, 0.8])
def test_a_kill_9_during_a_write_leaves_the_old_file_or_the_new_one(tmp_path, delay):
    """In place, a kill truncated regions.yaml (5,393 → 4,096 bytes); now the file is whole."""
    target = tmp_path / "regions.yaml"
    old, size = "旧\n" * 2000, 20 << 20  # 60 MB of new text: writing and syncing it takes a while
    target.write_text(old, encoding="utf-8")
    code = "import sys\nfrom kb.core.atomic import write_file\nwrite_file(sys.argv[1], '新' * int(sys.argv[2]))"
    child = subprocess.Popen([sys.executable, "-c", code, str(target), str(size)])
    time.sleep(delay)
    child.kill()
    child.wait()
    text = target.read_text(encoding="utf-8")
    assert text == old or text == "新" * size
    assert [p.name for p in tmp_path.iterdir() if p != target] in ([], [p.name for p in tmp_path.glob(".regions.yaml.*.part")])


# ------------------------------------------------------------------ the commands

def test_kb_new_region_that_cannot_write_leaves_regions_yaml_byte_identical(content_copy, monkeypatch):
    without_region(content_copy, "华阳路街道")
    before = snapshot(content_copy)
    fail_on_call(monkeypatch, "replace", 1)
    result = kb("--content", content_copy, "new", "region", "华阳路街道")
    assert result.exit_code == 1
    assert result.output.strip() == f"写入失败：{content_copy / 'regions.yaml'}{DISK_FULL}"
    assert snapshot(content_copy) == before


def test_kb_new_region_writes_through_a_temporary_file(content_copy, monkeypatch):
    """regions.yaml is never opened for writing in place (a kill then truncated it)."""
    without_region(content_copy, "华阳路街道")
    calls = fail_on_call(monkeypatch, "replace", 0)
    result = kb("--content", content_copy, "new", "region", "华阳路街道")
    assert result.exit_code == 0, result.output
    assert [Path(dst).name for _, dst in calls] == ["regions.yaml"]
    assert "huayanglu" in (content_copy / "regions.yaml").read_text(encoding="utf-8")
    assert not list(content_copy.rglob(".*"))


@pytest.mark.parametrize("args", [["new", "case", "--region", "长宁区", "--name", "测试写入失败"],
                                  ["new", "source", "--kind", "web", "--title", "测试写入失败"],
                                  ["new", "course", "--title", "测试写入失败"]])
def test_kb_new_that_cannot_write_says_so_and_leaves_nothing(content_copy, monkeypatch, args):
    before = snapshot(content_copy)
    fail_on_call(monkeypatch, "replace", 1)
    result = kb("--content", content_copy, *args)
    assert result.exit_code == 1
    assert result.output.startswith("写入失败：") and result.output.strip().endswith(DISK_FULL)
    assert snapshot(content_copy) == before


def test_word_import_writes_the_draft_and_its_source_or_neither(content_copy, tmp_path, monkeypatch):
    document = jingyan_cailiao(tmp_path / "经验材料.docx")
    before = snapshot(content_copy)
    fail_on_call(monkeypatch, "replace", 2)  # the case is in place, its source is not
    result = kb("--content", content_copy, "import", document)
    assert result.exit_code == 1
    assert result.output.startswith("导入失败：写入失败：") and result.output.strip().endswith(DISK_FULL)
    assert snapshot(content_copy) == before


@pytest.fixture(scope="module")
def shipped_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "案例表.xlsx"
    result = kb("--content", PINNED_CONTENT, "export", path)
    assert result.exit_code == 0, result.output
    return path


def test_excel_import_of_many_cases_applies_all_or_none(shipped_export, content_copy, tmp_path, monkeypatch):
    workbook = load_workbook(shipped_export)
    sheet = workbook[CASES_SHEET]
    column = [c.value for c in sheet[1]].index("标签（tags）") + 1
    for row in range(2, 7):  # five cases change
        sheet.cell(row=row, column=column, value=f"原子写入测试{row}")
    edited = tmp_path / "改了五行.xlsx"
    workbook.save(edited)
    before = snapshot(content_copy)
    fail_on_call(monkeypatch, "replace", 4)  # three cases already replaced when the fourth fails
    result = kb("--content", content_copy, "import", edited)
    assert result.exit_code == 1
    assert result.output.startswith("导入失败：写入失败：") and result.output.strip().endswith(DISK_FULL)
    assert snapshot(content_copy) == before
    monkeypatch.undo()
    result = kb("--content", content_copy, "import", edited)
    assert result.exit_code == 0, result.output
    changed = [k for k, v in snapshot(content_copy).items() if before.get(k) != v]
    assert len(changed) == 5 and not [k for k in changed if "/." in k or k.startswith(".")]


def test_excel_export_that_cannot_write_leaves_no_partial_workbook(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, "replace", 1)
    result = kb("--content", PINNED_CONTENT, "export", tmp_path / "表.xlsx")
    assert result.exit_code == 1
    assert result.output.strip() == f"导出失败：写入失败：{tmp_path / '表.xlsx'}{DISK_FULL}"
    assert list(tmp_path.iterdir()) == []


def test_an_export_to_a_name_too_long_for_the_file_system_says_so(tmp_path):
    target = tmp_path / ("表" * 100 + ".xlsx")  # 305 bytes
    result = kb("--content", PINNED_CONTENT, "export", target)
    assert result.exit_code == 1
    assert result.output == f"导出失败：写入失败：{target}（文件名太长）。原有文件没有改动，也没有留下写了一半的文件。\n"
    assert list(tmp_path.iterdir()) == []
