"""Build orchestration: stages and background processes (pipeline), what an incremental build may
take over (incremental), and `kb build` itself — render, MkDocs, CSP, swap (builder).
May import: kb.core, kb.content, kb.search, kb.site."""
