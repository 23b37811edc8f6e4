"""Bounded names and bounded imports: names longer than a file system allows get a short stable
page name or a clear message; oversized Word and Excel files are refused within seconds, before
anything is written."""
from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from conftest import PROJECT_ROOT
from kb.cli import main
from kb.content.load import load_file
from kb.site.render import anchor, tag_page

NAME_MAX = 255  # bytes per file name on ext4, XFS, btrfs, APFS, NTFS (in UTF-16 units)
QUICK = 10  # seconds: a refusal reads the zip's directory or counts, it does not parse everything


def kb(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# ------------------------------------------------------------------ page names

def test_short_tags_keep_their_page_names():
    for tag in ("信访代理", "12345", "a" * 40, "访" * 39):
        assert tag_page(tag) == anchor(tag)


@pytest.mark.parametrize("length", [52, 100])
def test_a_long_tag_gets_a_short_stable_page_name(length):
    tag = "访" * length
    name = tag_page(tag)
    assert len(anchor(tag).encode()) > NAME_MAX - len(".html")  # the old name could not be written
    assert len(f"{name}-99.html".encode()) < 100
    assert name == tag_page("访" * length) and name.startswith(anchor("访" * 8) + "-h")
    assert tag_page(tag + "。") != name and tag_page("访" * (length - 1) + "信") != name


def test_a_hashed_page_name_is_never_the_page_name_of_another_tag():
    rng = random.Random(4)
    short = {tag_page("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 39)))) for _ in range(500)}
    long = {tag_page("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(41, 100)))) for _ in range(500)}
    assert len(long) == 500 and not short & long
    assert all(re.fullmatch(r"t-[0-9a-f]+(-[0-9a-f]+)*", n) for n in short)


def test_kb_build_with_tags_of_52_and_100_chinese_characters(tmp_path, fixture_copy):
    content = fixture_copy
    case = content / "cases" / "shanghai" / "shanghai-changning-daili.yaml"
    long_tags = ["信" * 52, "访" * 100]
    text = case.read_text(encoding="utf-8")
    assert "tags: [信访代理]" in text
    case.write_text(text.replace("tags: [信访代理]", f"tags: [信访代理, {', '.join(long_tags)}]"), encoding="utf-8")
    result = kb("--content", content, "--build-dir", tmp_path / "build", "build")
    assert result.exit_code == 0, result.output
    site = tmp_path / "build" / "site"
    page = (site / "cases" / "shanghai-changning-daili.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\.\./tags/([^"#]+)"', page)
    assert links == [f"{tag_page(t)}.html" for t in ["信访代理", *long_tags]]
    for link, tag in zip(links[1:], long_tags):
        assert tag in (site / "tags" / link).read_text(encoding="utf-8")
    assert max(len(p.name.encode()) for p in site.rglob("*")) < 100


# ------------------------------------------------------------------ kb new

LONG_TITLES = ["课" * 300, "a" * 300, " ".join(["abcdefghij"] * 30), "Zhang" + "张" * 150]


@pytest.mark.parametrize("title", LONG_TITLES)
@pytest.mark.parametrize("command", [["new", "course", "--title"], ["new", "source", "--kind", "book", "--title"],
                                     ["new", "case", "--region", "长宁区", "--name"]])
def test_kb_new_with_a_long_name_writes_a_file_named_by_a_bounded_id(content_copy, command, title):
    before = set(snapshot(content_copy))
    result = kb("--content", content_copy, *command, title)
    assert result.exit_code == 0, result.output
    [new] = [content_copy / p for p in snapshot(content_copy) if p not in before]
    ident = load_file(new).data["id"]
    assert new.name == f"{ident}.yaml" and len(ident) <= 100
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident)


@pytest.mark.parametrize("ident", ["../../escape", "a" * 101, "Zhang", "x-", "中文", "abc\n"])
def test_kb_new_refuses_an_id_no_file_may_be_named_after(content_copy, ident):
    before = snapshot(content_copy)
    result = kb("--content", content_copy, "new", "source", "--kind", "web", "--title", "网页", "--id", ident)
    assert result.exit_code == 1
    assert result.output == (f"编号“{ident}”不可用：编号只能由小写字母、数字和连字符组成（如 xinfang-daili），"
                             "不以连字符开头或结尾，最长 100 个字符。\n")
    assert snapshot(content_copy) == before and not (content_copy.parent / "escape.yaml").exists()


def test_kb_new_says_when_a_title_gives_no_id(content_copy):
    before = snapshot(content_copy)
    result = kb("--content", content_copy, "new", "course", "--title", "！！！")
    assert result.exit_code == 1
    assert result.output == "“！！！”中没有能转成拼音或字母的字，生成不了编号：请用 --id 写明编号（如 --id xinfang-daili）。\n"
    result = kb("--content", content_copy, "new", "case", "--region", "长宁区", "--name", "？？")
    assert result.exit_code == 1
    assert result.output == "做法名称“？？”中没有能转成拼音或字母的字，生成不了案例编号：请写中文或字母的做法名称。\n"
    assert snapshot(content_copy) == before


# ------------------------------------------------------------------ kb import: names

def test_word_import_of_a_long_title_writes_bounded_names(content_copy, tmp_path):
    document = docx.Document()
    document.add_paragraph("案例名称：长宁区" + "信访代理" * 60)
    document.add_paragraph("一、基本情况")
    document.add_paragraph("2023年共受理来信来访1581件。")
    path = tmp_path / ("材" * 60 + ".docx")
    document.save(path)
    before = set(snapshot(content_copy))
    result = kb("--content", content_copy, "import", path, "--region", "长宁区")
    assert result.exit_code == 0, result.output
    written = [content_copy / p for p in snapshot(content_copy) if p not in before]
    assert len(written) == 2
    for file in written:
        ident = load_file(file).data["id"]
        assert file.name == f"{ident}.yaml" and len(ident) <= 100
    result = kb("--content", content_copy, "import", path, "--region", "长宁区")  # a second draft: -v2
    assert result.exit_code == 0, result.output
    assert all(len(p.stem) <= 100 for p in content_copy.rglob("*.yaml"))


def test_excel_import_of_an_over_long_id_is_a_cell_problem(content_copy, tmp_path):
    path = tmp_path / "表.xlsx"
    assert kb("--content", content_copy, "export", path).exit_code == 0
    from openpyxl import load_workbook
    workbook = load_workbook(path)
    workbook["案例"].cell(row=2, column=1, value="a" * 300)
    workbook.save(path)
    before = snapshot(content_copy)
    result = kb("--content", content_copy, "import", path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "案例 行 2 列 A 「案例编号」 「案例编号」太长，最多 100 个字\n" in result.output
    assert "文件名" not in result.output
    assert result.output.splitlines()[-1].endswith("没有写入任何文件。")
    assert snapshot(content_copy) == before


# ------------------------------------------------------------------ kb import: sizes

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_file(path: Path, body) -> Path:
    """A .docx made from python-docx's template whose body is the given XML chunks, streamed into
    the zip (a body of a gigabyte never sits in memory)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    template = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, template.read(info))
        with out.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W + b"><w:body>")
            for chunk in body:
                stream.write(chunk)
            stream.write(b"</w:body></w:document>")
    return path


def random_paragraphs(count: int, seed: int = 1):
    """Paragraphs of random figures: they compress like real text, not like a bomb."""
    rng = random.Random(seed)
    for start in range(0, count, 1000):
        yield b"".join(b"<w:p><w:r><w:t>%d</w:t></w:r></w:p>" % rng.getrandbits(40)
                       for _ in range(min(1000, count - start)))


def import_refused(content: Path, file: Path, *options) -> str:
    before = snapshot(content)
    start = time.monotonic()
    result = kb("--content", content, "import", file, *options)
    seconds = time.monotonic() - start
    assert result.exit_code == 1, result.output
    assert seconds < QUICK, f"{seconds:.1f} s"
    assert snapshot(content) == before
    return result.output


def test_a_word_zip_bomb_of_1_1_gb_is_refused_quickly_in_little_memory(content_copy, tmp_path):
    bomb = word_file(tmp_path / "炸弹.docx", (b"<w:p><w:r><w:t>" + b"a" * (1 << 20) + b"</w:t></w:r></w:p>" for _ in range(1100)))
    assert bomb.stat().st_size < 4 << 20
    code = ("import json, resource, sys, time\nfrom pathlib import Path\nfrom kb.office.commands import import_file\n"
            "start = time.monotonic()\ncode = import_file(Path(sys.argv[1]), Path(sys.argv[2]), '长宁区')\n"
            "print(json.dumps([code, time.monotonic() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))")
    before = snapshot(content_copy)
    run = subprocess.run([sys.executable, "-c", code, str(content_copy), str(bomb)], capture_output=True, text=True, timeout=120)
    exit_code, seconds, peak_kb = json.loads(run.stdout.splitlines()[-1])
    assert run.stderr == ("导入失败：炸弹.docx：其中的 word/document.xml 解压后有 1,100.0 MB，"
                          "超过每个部件 32.0 MB 的上限，不予导入。\n")
    assert exit_code == 1 and seconds < QUICK and peak_kb < 400 * 1024
    assert snapshot(content_copy) == before


def test_a_word_part_that_shrank_more_than_200_times_is_refused(content_copy, tmp_path):
    bomb = word_file(tmp_path / "b.docx", (b"<w:p><w:r><w:t>" + b"a" * (1 << 20) + b"</w:t></w:r></w:p>" for _ in range(8)))
    output = import_refused(content_copy, bomb, "--region", "长宁区")
    assert re.fullmatch(r"导入失败：b\.docx：其中的 word/document\.xml 压缩了 [\d,]+ 倍（解压后 8\.0 MB），"
                        r"超过 200 倍的上限：这不是正常的 Office 文件，不予导入。\n", output)


def test_a_word_file_of_too_many_paragraphs_is_refused(content_copy, tmp_path):
    many = word_file(tmp_path / "长.docx", random_paragraphs(5_001))
    output = import_refused(content_copy, many, "--region", "长宁区")
    assert output == "导入失败：长.docx：文档有 5,001 个段落，超过 5,000 个的上限（经验材料通常几百段），不予导入。\n"


def test_a_million_paragraphs_are_refused_quickly(content_copy, tmp_path):
    many = word_file(tmp_path / "百万段.docx", (b"<w:p/>" * 10_000 for _ in range(100)))
    assert many.stat().st_size < 200_000
    output = import_refused(content_copy, many, "--region", "长宁区")
    assert output.startswith("导入失败：百万段.docx：") and "不予导入" in output


def figure_sentences(count: int, seed: int = 2) -> bytes:
    """One paragraph of `count` sentences, each with a figure and its unit: one outcome candidate each."""
    rng = random.Random(seed)
    text = "".join(f"当年受理{rng.randint(10, 99999)}件。" for _ in range(count))
    return b"<w:p><w:r><w:t>" + text.encode() + b"</w:t></w:r></w:p>"


def test_a_word_file_of_too_many_figures_is_refused_before_anything_is_written(content_copy, tmp_path):
    many = word_file(tmp_path / "数字.docx", [figure_sentences(2_001)])
    output = import_refused(content_copy, many, "--region", "长宁区")
    assert output == ("导入失败：数字.docx：文档中有 2,001 处带单位的数字（成效数据候选），超过 2,000 处的上限"
                      "（经验材料通常几十处），不予导入。\n")


def test_a_word_file_of_too_much_text_is_refused(content_copy, tmp_path):
    rng = random.Random(3)
    text = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(500_001)).encode()
    long = word_file(tmp_path / "长文.docx", [b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"])
    output = import_refused(content_copy, long, "--region", "长宁区")
    assert output == "导入失败：长文.docx：文档有 500,001 个字，超过 500,000 字的上限（经验材料通常几千到几万字），不予导入。\n"


def test_a_word_table_of_too_many_cells_is_refused(content_copy, tmp_path):
    row = b"<w:tr>" + b"<w:tc/>" * 10 + b"</w:tr>"
    table = word_file(tmp_path / "表格.docx", [b"<w:tbl>" + row * 501 + b"</w:tbl>"])
    output = import_refused(content_copy, table, "--region", "长宁区")
    assert output == "导入失败：表格.docx：文档有 5,010 个表格单元格，超过 5,000 个的上限（经验材料的表格通常几十到几百格），不予导入。\n"


def test_a_word_file_of_too_many_parts_is_refused(content_copy, tmp_path):
    path = word_file(tmp_path / "零件.docx", random_paragraphs(3))
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(5_000):
            archive.writestr(f"customXml/x{n}.xml", b"<a/>")
    parts = len(zipfile.ZipFile(path).infolist())
    output = import_refused(content_copy, path, "--region", "长宁区")
    assert output == f"导入失败：零件.docx：文件由 {parts:,} 个部件组成，超过 Word 文件的上限 5,000 个。\n"


def test_the_example_files_are_far_below_the_limits(content_copy, tmp_path):
    from kb.office.limits import DOCX, XLSX, check_package

    check_package(PROJECT_ROOT / "examples" / "经验材料-示例.docx", DOCX)
    check_package(PROJECT_ROOT / "examples" / "案例表-示例.xlsx", XLSX)
    legit = word_file(tmp_path / "正常.docx", random_paragraphs(5_000))
    result = kb("--content", content_copy, "import", legit, "--region", "长宁区")
    assert result.exit_code == 0, result.output


def _workbook_with_last_row(path: Path, row: int, dimension: str | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "案例"
    sheet["A1"] = "案例编号（id）"
    sheet.cell(row=row, column=1, value="x")
    workbook.save(path)
    if dimension:  # the sheet's declared size says less than it holds
        data = {i: zipfile.ZipFile(path).read(i) for i in zipfile.ZipFile(path).infolist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info, body in data.items():
                out.writestr(info, re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension.encode(), body))
    return path


def test_a_workbook_with_a_cell_in_the_last_row_is_refused_quickly(content_copy, tmp_path):
    path = _workbook_with_last_row(tmp_path / "最后一行.xlsx", 1_048_576)
    assert path.stat().st_size < 100_000
    output = import_refused(content_copy, path)
    assert output == ("案例 行 1 列 A 「表」 这张表用到第 1,048,576 行（上限 200,000 行），"
                      "不予导入（表格下方或右侧远处有内容或格式？删掉多余的行和列后再导入）\n共 1 个问题，没有写入任何文件。\n")


def test_a_workbook_whose_declared_size_lies_is_refused_as_its_rows_are_read(content_copy, tmp_path):
    path = _workbook_with_last_row(tmp_path / "谎报.xlsx", 1_048_576, dimension="A1:A1")
    output = import_refused(content_copy, path)
    assert output.startswith("案例 行 200001 列 A 「表」 这张表用到第 200,001 行（上限 200,000 行），不予导入")


def test_a_workbook_with_a_cell_in_the_last_column_is_refused(content_copy, tmp_path):
    workbook = Workbook()
    workbook.active.title = "案例"
    workbook.active["A1"] = "案例编号（id）"
    workbook.active.cell(row=2, column=16_384, value="x")
    workbook.save(tmp_path / "最后一列.xlsx")
    output = import_refused(content_copy, tmp_path / "最后一列.xlsx")
    assert output.startswith("案例 行 1 列 A 「表」 这张表用到第 16,384 列（上限 1,000 列），不予导入")


def test_a_workbook_zip_bomb_is_refused(content_copy, tmp_path):
    path = _workbook_with_last_row(tmp_path / "炸弹.xlsx", 2)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/image1.png", "w", force_zip64=True) as stream:
            for _ in range(130):
                stream.write(bytes(1 << 20))
    output = import_refused(content_copy, path)
    assert output == ("炸弹.xlsx 行 1 列 A 「文件」 其中的 xl/media/image1.png 解压后有 130.0 MB，超过每个部件 128.0 MB 的上限，"
                      "不予导入。\n共 1 个问题，没有写入任何文件。\n")


def test_a_workbook_read_row_by_row_still_names_each_cell(content_copy, tmp_path):
    """Read-only sheets give empty cells without a position: problems must still name row and column."""
    from openpyxl import load_workbook

    path = tmp_path / "公式.xlsx"
    assert kb("--content", content_copy, "export", path).exit_code == 0
    workbook = load_workbook(path)
    header = [c.value for c in workbook["案例"][1]]
    workbook["案例"].cell(row=3, column=header.index("标题（title）") + 1, value="=1+1")
    workbook["主要措施"].cell(row=4, column=2, value="=A1")
    workbook.save(path)
    output = import_refused(content_copy, path)
    assert output == ("案例 行 3 列 B 「标题」 单元格是公式：请直接填写内容（可复制后“选择性粘贴 → 值”）\n"
                      "主要措施 行 4 列 B 「措施名称」 单元格是公式：请直接填写内容（可复制后“选择性粘贴 → 值”）\n"
                      "共 2 个问题，没有写入任何文件。\n")
