"""`kb serve`: watching content/ (watching), re-rendering what a save affects (state, live), and
the messages, overlay and MkDocs hooks of the preview server (server, hook, overlay.js).
May import: kb.core, kb.content, kb.search, kb.site, kb.build."""
