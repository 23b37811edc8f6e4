"""The content stage: reading content/ strictly (load, corpus), the schemas, every rule an editor's
file must pass (validate, privacy, markup, provenance, hints), the caches of checked documents
(doccache, checkcache), prose helpers, and writing new entries (scaffold, divisions, synthetic).
May import: kb.core."""
