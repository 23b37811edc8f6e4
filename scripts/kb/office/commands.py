"""What `kb import` and `kb export` print: the glue between the CLI and the office modules."""
from __future__ import annotations

from pathlib import Path

import click


def import_file(content_dir: Path, file: Path, region: str | None, source: str | None = None) -> int:
    suffix = file.suffix.lower()
    if suffix == ".docx":
        return _import_docx(content_dir, file, region, source)
    if source:
        click.echo("--source 只用于 Word 经验材料（.docx）。", err=True)
        return 1
    if suffix == ".xlsx":
        return _import_xlsx(content_dir, file)
    click.echo(f"不支持的文件类型“{file.suffix}”：可导入 Word 经验材料（.docx）或 Excel 案例表（.xlsx）。", err=True)
    return 1


def _import_docx(content_dir: Path, file: Path, region: str | None, source: str | None) -> int:
    from ..content.corpus import read_corpus
    from ..core.atomic import WriteFailed
    from .docx_import import ImportFailed, import_docx

    corpus = read_corpus(content_dir, entries=False)
    try:
        region_id = _region(corpus, region) if region else None
        draft, case_path, source_path = import_docx(file, content_dir, corpus, region_id, source_id=source)
    except (ImportFailed, WriteFailed) as err:
        click.echo(f"导入失败：{err}", err=True)
        return 1
    click.echo(f"已生成草稿（status: draft）：{case_path}")
    if source_path is not None:
        click.echo(f"已生成资料条目：{source_path}")
    _report_docx(draft)
    return 0


def _report_docx(draft) -> None:
    click.echo("\n已识别：")
    for line in draft.mapped:
        click.echo(f"  · {line}")
    if draft.unsure:
        click.echo(f"\n需要核对（导入时没有把握的 {len(draft.unsure)} 处；认不准的字段已留空，没有用片段填充）：")
        for line in draft.unsure:
            click.echo(f"  ? {line}")
    if draft.left:
        click.echo("\n未归入字段（原文放在 notes 中）：" + "、".join(draft.left))
    if draft.dropped:
        click.echo("\n已略去（不收录个人信息、落款和日期，没有写入任何文件）：" + "、".join(draft.dropped))
    click.echo("\n下一步：打开草稿，用自己的话改写，补写摘要、做法类型和主题，核对成效数据候选和上面“需要核对”的各项，"
               "然后运行 kb validate；通过校验之前它不会进入网站（kb build 会列出待补的字段）。")


def _region(corpus, value: str) -> str:
    from .docx_import import ImportFailed

    for ident, item in corpus.region_map().items():
        if value in (ident, item.get("name")):
            return ident
    raise ImportFailed(f"地区名录中没有“{value}”")


def _import_xlsx(content_dir: Path, file: Path) -> int:
    from ..core.atomic import WriteFailed
    from .spreadsheet import import_cases

    if not file.is_file():
        click.echo(f"找不到文件：{file}", err=True)
        return 1
    try:
        result = import_cases(content_dir, file)
    except WriteFailed as err:
        click.echo(f"导入失败：{err}", err=True)
        return 1
    if result.problems:
        for problem in result.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"共 {len(result.problems)} 个问题，没有写入任何文件。", err=True)
        return 1
    for path in result.written:
        click.echo(f"已写入：{path}")
    for path in result.removed:
        click.echo(f"已移走（地区改到了别的省级目录）：{path}")
    click.echo(f"导入完成：写入 {len(result.written)} 个案例文件，{result.unchanged} 个没有变化、未改动。"
               + ("写入的文件只改动了变化的字段，注释、顺序和写法照旧。" if result.written else ""))
    return 0


def export_file(content_dir: Path, file: Path) -> int:
    from ..core.atomic import WriteFailed
    from ..core.problems import ProblemsFound
    from .spreadsheet import export_cases

    if file.suffix.lower() != ".xlsx":
        click.echo("请给出 .xlsx 文件名，例如 kb export 案例表.xlsx", err=True)
        return 1
    try:
        count = export_cases(content_dir, file)
    except ProblemsFound as found:
        for problem in found.problems:
            click.echo(problem.format(), err=True)
        return 1
    except WriteFailed as err:
        click.echo(f"导出失败：{err}", err=True)
        return 1
    click.echo(f"已导出 {count} 个案例：{file}（填写后用 kb import {file.name} 导回）")
    return 0
