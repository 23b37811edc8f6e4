"""The content stage: reading content/ strictly (load, corpus), the schemas, every rule an editor's
file must pass (validate, rules, privacy, markup, provenance, hints), the caches of checked documents
(doccache, checkcache), prose helpers, writing new entries (scaffold, divisions, synthetic), the
case lifecycle (lifecycle: what waits off the site; review: moving an entry to review and published)
and the files' change log from git (history).
May import: kb.core."""
