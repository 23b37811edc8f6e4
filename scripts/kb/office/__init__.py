"""Office round trips: Word drafts in (docx_import), Excel out and in (spreadsheet), YAML written
for editors (yamlout), the size limits checked before a file is parsed (limits), and the commands
that tie them to files (commands).
May import: kb.core, kb.content."""
