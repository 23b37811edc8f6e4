"""The site: the page model and Markdown pages (render, templates/), charts, citations, compare
records, downloads, the editors' dashboard, handouts, and the finishing of built HTML (csp,
compact). May import: kb.core, kb.content, kb.search."""
