"""MkDocs hook used by `kb serve` only: tells kb.preview where the served site is built."""
from kb import preview


def on_post_build(config, **kwargs):
    preview.site_dir_known(config.site_dir)
