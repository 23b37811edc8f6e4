"""MkDocs hook used by `kb serve` only: lets kb.preview.server collect each build's warnings, know
where the served site is built, and give each page the policy and link check `kb build` gives it."""
from kb.preview import server as preview


def on_pre_build(config, **kwargs):
    preview.build_started()


def on_serve(server, config, builder, **kwargs):
    preview.serving(server, config.docs_dir)
    return server


def on_files(files, config, **kwargs):
    preview.mark_modified(files)
    return files


def on_nav(nav, config, files, **kwargs):
    preview.build_parts(config=config, files=files, nav=nav)
    return nav


def on_env(env, config, files, **kwargs):
    preview.build_parts(env=env)
    return env


def on_post_build(config, **kwargs):
    preview.site_dir_known(config.site_dir)


def on_page_markdown(markdown, page, **kwargs):
    preview.page_converted(page.file.src_uri)
    return markdown


def on_post_page(output, page, config, **kwargs):
    return preview.protect(output)


def on_post_template(output_content, template_name, config, **kwargs):
    return preview.protect(output_content) if template_name.endswith(".html") else output_content
