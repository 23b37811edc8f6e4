"""Limits on the Word and Excel files `kb import` reads, checked before they are parsed.

A .docx or .xlsx is a zip of XML parts. Measured without limits: a 3.8 MB .docx inflating to
1.1 GB took 7.9 GB of memory; a 0.1 MB workbook with one cell in row 1,048,576 took 106 s and
6.3 GB; a 0.19 MB .docx of a million paragraphs ran for more than 30 minutes. Every limit here
is far above any real 经验材料 or case table, so only a broken or hostile file meets one; it is
then refused within seconds, before anything is written, with a message naming the file and
the limit.

The sizes checked are those the zip's central directory declares: Python's zipfile (used by
python-docx and openpyxl) stops reading a member at its declared size, so a member cannot
inflate beyond what is checked here.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1 << 20


@dataclass(frozen=True)
class PackageLimits:
    kind: str        # what the editor calls the file, for the messages
    file: int        # bytes of the file itself
    total: int       # uncompressed bytes of all its parts
    member: int      # uncompressed bytes of one part
    members: int     # number of parts
    directory: int   # bytes of the zip's directory (zipfile reads and parses all of it on opening)


# A 经验材料 runs to 2–20 pages: its document.xml is well under 1 MB and its photos a few MB each
# (the example's largest part is python-docx's styles at 0.4 MB). 32 MB per part is a 1,000-page
# text; parsing a document.xml that size takes about 0.5 GB (800,000 short paragraphs: 540 MB),
# hence not more.
DOCX = PackageLimits("Word 文件", file=128 * MB, total=128 * MB, member=32 * MB, members=5_000, directory=4 * MB)
# `kb export` of 2,000 cases measured 27 MB uncompressed, its largest sheet 8.3 MB: about 13 KB a
# case. 256 MB holds some 19,000 cases, twice the 10,000 the build is measured at; openpyxl reads
# sheets row by row, and at most one part (the shared strings) whole.
XLSX = PackageLimits("Excel 文件", file=256 * MB, total=256 * MB, member=128 * MB, members=5_000, directory=4 * MB)

# Deflate shrinks Word and Excel XML 5–30 times (python-docx's default styles.xml 29 times, the
# sheets of a 2,000-case export 8–19 times), very repetitive text more (20,000 equal paragraphs:
# 265 times, 1.8 MB); zip bombs shrink 300–1,000 times. Parts under RATIO_FROM are not checked:
# small parts compress oddly and cannot hurt.
MAX_RATIO = 200
RATIO_FROM = 4 * MB

# Paragraphs and table cells of a Word file: a 20-page 经验材料 has some 200–600 paragraphs, and
# a table of figures with 200 cells is a large one. Every sentence with a figure becomes an
# outcome candidate written to YAML: 20,000 such paragraphs took 30 s to import, 5,000 take 10 s;
# a document at every Word limit below (4,990 paragraphs, 470,000 characters, 2,000 figures)
# imports in 12 s at 191 MB.
MAX_PARAGRAPHS = 5_000
MAX_TABLE_CELLS = 5_000
# Characters of text: a 20-page 经验材料 has 10,000–40,000; 500,000 is some 250 pages. The text is
# written to the draft's YAML once, at 1.3 s per 500,000 characters.
MAX_CHARACTERS = 500_000
# Outcome candidates (a figure with its unit, such as 1,200 件): a 经验材料 has tens. Each becomes a
# YAML entry of some lines (20,000 of them took 30 s to write).
MAX_FIGURES = 2_000

# Rows and columns of one sheet: the 2,000-case export's largest sheet has 7,422 rows (3.7 per
# case; 200,000 is some 54,000 cases) and its widest 28 columns (the drop-down options take two
# columns per list).
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000


class TooLarge(Exception):
    """A file over a limit; the message names the file and the limit, in Chinese (`detail`
    without the file's name, for a report that names the file already)."""

    def __init__(self, name: str, detail: str):
        self.detail = detail
        super().__init__(f"{name}：{detail}")


def check_package(path: Path, limits: PackageLimits) -> None:
    """Refuse a .docx/.xlsx whose zip is over `limits`, reading only its directory. A file that
    is no zip at all passes: the reader then reports it as damaged."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.file:
        raise TooLarge(path.name, f"文件有 {_mb(size)}，超过 {limits.kind}导入的上限 {_mb(limits.file)}。")
    directory = _directory_size(path)
    if directory is None:
        return
    if directory > limits.directory:
        raise TooLarge(path.name, f"文件的 zip 目录有 {_mb(directory)}，超过上限 {_mb(limits.directory)}"
                       f"（{limits.kind}最多 {limits.members:,} 个部件）。")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if len(members) > limits.members:
        raise TooLarge(path.name, f"文件由 {len(members):,} 个部件组成，超过 {limits.kind}的上限 {limits.members:,} 个。")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limits.member:
            raise TooLarge(path.name, f"其中的 {member.filename} 解压后有 {_mb(member.file_size)}，"
                           f"超过每个部件 {_mb(limits.member)} 的上限，不予导入。")
        if member.file_size >= RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise TooLarge(path.name, f"其中的 {member.filename} 压缩了 {member.file_size // max(member.compress_size, 1):,} 倍"
                           f"（解压后 {_mb(member.file_size)}），超过 {MAX_RATIO} 倍的上限：这不是正常的 Office 文件，不予导入。")
    if total > limits.total:
        raise TooLarge(path.name, f"解压后共有 {_mb(total)}，超过 {limits.kind}导入的上限 {_mb(limits.total)}。")


def _directory_size(path: Path) -> int | None:
    """Bytes of the zip's central directory as its end record declares them; None for no zip."""
    try:
        with open(path, "rb") as stream:
            record = zipfile._EndRecData(stream)  # zipfile's own reader of the end record (zip64 too)
    except (OSError, AttributeError, zipfile.BadZipFile):
        return None
    return record[zipfile._ECD_SIZE] if record else None


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB else f"{size / 1024:,.1f} KB"
