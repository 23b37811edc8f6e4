"""The `kb` command: a thin layer over the pipeline stages."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .corpus import BUILD_DIR, CONTENT_DIR


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
@click.option("--build-dir", "build_dir", type=click.Path(path_type=Path, file_okay=False),
              default=BUILD_DIR, show_default=False, help="输出目录（默认为项目的 build/）。")
@click.pass_context
def main(ctx: click.Context, content_dir: Path, build_dir: Path) -> None:
    ctx.obj = {"content": content_dir, "build": build_dir}


@main.command(help="检查全部内容文件（格式、必填字段、交叉引用、个人信息），一次列出所有问题。")
@click.pass_context
def validate(ctx: click.Context) -> None:
    from .validate import check, has_errors

    from .doccache import DOCUMENT_CACHE

    corpus, problems = check(ctx.obj["content"], ctx.obj["build"] / DOCUMENT_CACHE)
    _print_problems(problems)
    if has_errors(problems):
        sys.exit(1)
    click.echo(f"检查通过：{len(corpus.cases)} 个案例，{len(corpus.sources)} 个资料来源。")


def _fail(found) -> None:
    _print_problems(found.problems)
    sys.exit(1)


@main.command(help="校验内容并生成网站到 build/site（MkDocs 严格模式；失败时保留上一次的网站）。"
                   "只重新生成改动涉及的页面；--clean 完整重建。")
@click.option("--clean", is_flag=True, help="不沿用上一次生成的结果，全部重建。")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="生成网站的程序（两者读同一个 mkdocs.yml）。")
@click.pass_context
def build(ctx: click.Context, clean: bool, engine: str) -> None:
    from .pipeline import Stages
    from .problems import ProblemsFound
    from .site import build_site

    stages = Stages()
    try:
        site = build_site(ctx.obj["content"], ctx.obj["build"], stages=stages, incremental=not clean, engine=engine)
    except ProblemsFound as found:
        click.echo("生成失败，build/site 保持原样。", err=True)
        _fail(found)
    click.echo(f"网站已生成：{site}/index.html")
    click.echo(stages.summary())


@main.command(name="index", help="为全部案例建立全文检索索引（build/index）。")
@click.pass_context
def index_command(ctx: click.Context) -> None:
    from .index import build_index
    from .problems import ProblemsFound
    from .site import valid_corpus

    try:
        corpus = valid_corpus(ctx.obj["content"])
    except ProblemsFound as found:
        _fail(found)
    count = build_index(corpus, ctx.obj["build"] / "index")
    click.echo(f"索引已建立：{count} 个案例。")


def _resolve(value: str, table: dict[str, dict], name_key: str = "name") -> str:
    """Accept an id or a Chinese name (or alias) for a filter value."""
    if value in table:
        return value
    for ident, item in table.items():
        if value == item.get(name_key) or value in item.get("aliases", []):
            return ident
    raise click.BadParameter(f"找不到“{value}”")


@main.command(help="检索案例。多个词用空格分开表示都要包含；用引号括起的短语按原样匹配。")
@click.argument("words", nargs=-1, required=True)
@click.option("--type", "types", multiple=True, help="做法类型（编号或名称，可重复）。")
@click.option("--region", "regions", multiple=True, help="地区（编号或名称，含下级地区）。")
@click.option("--theme", "themes", multiple=True, help="主题（编号或名称）。")
@click.option("--level", help="实施层级，如 county、township。")
@click.option("--since", type=int, help="开始年份不早于。")
@click.option("--until", type=int, help="开始年份不晚于。")
@click.option("--published-only", is_flag=True, help="不含草稿。")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--facets", "show_facets", is_flag=True, help="同时列出按类型、地区、层级、主题、年份的计数。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（total、hits、facets），便于脚本使用。")
@click.pass_context
def search(ctx, words, types, regions, themes, level, since, until, published_only, limit, show_facets, as_json) -> None:
    import json as json_module
    from dataclasses import asdict

    from .corpus import read_corpus
    from .index import Filters, Searcher
    from .schemas import labels

    corpus = read_corpus(ctx.obj["content"], entries=False)
    filters = Filters(
        types=[_resolve(t, corpus.taxonomy("practice_type")) for t in types],
        regions=[_resolve(r, corpus.region_map()) for r in regions],
        themes=[_resolve(t, corpus.taxonomy("theme")) for t in themes],
        level=level, since=since, until=until, include_drafts=not published_only)
    try:
        searcher = Searcher(ctx.obj["build"] / "index")
    except FileNotFoundError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    query = " ".join(words)
    ranked = searcher.ranked(query, filters)
    hits, facets, total = searcher.hits(query, ranked, limit), searcher.facet_counts(ranked), len(ranked)
    searcher.close()
    if as_json:
        click.echo(json_module.dumps({"total": total, "hits": [asdict(h) for h in hits], "facets": facets},
                                     ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("没有找到匹配的案例。")
        return
    click.echo(f"共 {total} 个案例{'，显示前 ' + str(len(hits)) + ' 个' if total > len(hits) else ''}：\n")
    for n, hit in enumerate(hits, 1):
        draft = "［草稿］" if hit.status == "draft" else ""
        click.echo(f"{n}. {hit.title}{draft}\n   {hit.place} · {hit.types} · {hit.start_year}\n   {hit.snippet}\n")
    if show_facets:
        names = {"types": {k: v["name"] for k, v in corpus.taxonomy("practice_type").items()},
                 "regions": {k: v["name"] for k, v in corpus.region_map().items()},
                 "themes": {k: v["name"] for k, v in corpus.taxonomy("theme").items()},
                 "level": labels("case", "locality", "level")}
        for key, label in (("types", "类型"), ("regions", "地区"), ("level", "层级"), ("themes", "主题"), ("start_year", "年份")):
            counts = "  ".join(f"{names.get(key, {}).get(k, k)}({n})" for k, n in facets[key].items())
            click.echo(f"{label}：{counts}")


@main.command(help="生成新案例文件：kb new --region 地区 --name 做法名称。")
@click.option("--region", required=True, help="地区编号或名称（须在 content/regions.yaml 中）。")
@click.option("--name", required=True, help="做法名称，如 有信访我代理。")
@click.pass_context
def new(ctx: click.Context, region: str, name: str) -> None:
    from .corpus import read_corpus
    from .scaffold import scaffold

    content_dir = ctx.obj["content"]
    corpus = read_corpus(content_dir)
    region_id = _resolve(region, corpus.region_map())
    rel, text = scaffold(corpus, region_id, name)
    target = content_dir / rel
    if target.exists():
        click.echo(f"文件已存在，未覆盖：{target}", err=True)
        sys.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"已生成：{target}\n打开它填写内容，然后运行 kb validate。")


@main.command(help="本地预览网站（http://127.0.0.1:8000），修改 content/ 中的文件后页面自动刷新。")
@click.option("--address", default="127.0.0.1:8000", show_default=True, help="监听地址。")
@click.pass_context
def serve(ctx: click.Context, address: str) -> None:
    from .problems import ProblemsFound
    from .site import serve as serve_site

    try:
        serve_site(ctx.obj["content"], ctx.obj["build"], address=address, on_problems=_print_problems)
    except ProblemsFound as found:
        _fail(found)


@main.command(help="生成课程的打印版 PDF（学员讲义和含答案的培训师版）：kb handout 课程编号…（不写则全部）。")
@click.argument("courses", nargs=-1)
@click.pass_context
def handout(ctx: click.Context, courses: tuple[str, ...]) -> None:
    from .handout import make_handouts
    from .problems import ProblemsFound
    from .site import valid_corpus

    try:
        corpus = valid_corpus(ctx.obj["content"])
    except ProblemsFound as found:
        _fail(found)
    known = {d.data["id"] for d in corpus.courses}
    unknown = [c for c in courses if c not in known]
    if unknown:
        click.echo(f"没有这门课程：{'、'.join(unknown)}（可用：{'、'.join(sorted(known))}）", err=True)
        sys.exit(1)
    try:
        written = make_handouts(corpus, ctx.obj["build"] / "handouts", list(courses) or None)
    except RuntimeError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"已生成：{path}")


@main.command(help="把生成的网站打包成 zip（离线版，可拷到 U 盘，解压后直接打开 index.html）。")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="zip 文件路径（默认 build/xinfang-kb-offline.zip）。")
@click.pass_context
def package(ctx: click.Context, output: Path | None) -> None:
    from .site import package_site

    build_dir = ctx.obj["build"]
    try:
        path = package_site(build_dir / "site", output or build_dir / "xinfang-kb-offline.zip")
    except FileNotFoundError as err:
        click.echo(str(err), err=True)
        sys.exit(1)
    click.echo(f"离线版已打包：{path}（{path.stat().st_size / 1e6:.1f} MB）")
