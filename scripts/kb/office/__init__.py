"""Office round trips: Word drafts in (docx_import, with docx_parts for title lines, contacts and
signatures and docx_figures for outcome candidates), Excel out and in (spreadsheet), YAML written
for editors (yamlout) and changed in place (roundtrip), the size limits checked before a file is
parsed (limits), and the commands that tie them to files (commands).
May import: kb.core, kb.content."""
