"""The `kb` command: a thin layer over the pipeline stages."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .corpus import CONTENT_DIR


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if problems:
        click.echo(f"共 {errors} 个错误，{warnings} 个提醒。", err=True)


@click.group(help="信访工作经验库：校验、建索引、检索、生成网站。")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=CONTENT_DIR, show_default=False, help="内容目录（默认为项目的 content/）。")
@click.pass_context
def main(ctx: click.Context, content_dir: Path) -> None:
    ctx.obj = {"content": content_dir}


@main.command(help="检查全部内容文件（格式、必填字段、交叉引用、个人信息），一次列出所有问题。")
@click.pass_context
def validate(ctx: click.Context) -> None:
    from .validate import check, has_errors

    corpus, problems = check(ctx.obj["content"])
    _print_problems(problems)
    if has_errors(problems):
        sys.exit(1)
    click.echo(f"检查通过：{len(corpus.cases)} 个案例，{len(corpus.sources)} 个资料来源。")


def _fail(found) -> None:
    _print_problems(found.problems)
    sys.exit(1)


@main.command(help="校验内容并生成网站到 build/site（MkDocs 严格模式；失败时保留上一次的网站）。")
@click.pass_context
def build(ctx: click.Context) -> None:
    from .problems import ProblemsFound
    from .site import build_site

    try:
        site = build_site(ctx.obj["content"])
    except ProblemsFound as found:
        click.echo("生成失败，build/site 保持原样。", err=True)
        _fail(found)
    click.echo(f"网站已生成：{site}/index.html")
