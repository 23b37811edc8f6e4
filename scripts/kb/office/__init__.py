"""Office round trips: Word drafts in (docx_import, reading the parts around the sections in
docx_parts, the sections in docx_sections and outcome candidates in docx_figures), Excel out and in
(spreadsheet), YAML written for editors (yamlout) and changed in place (roundtrip), the size limits
checked before a file is parsed (limits), and the commands that tie them to files (commands).
May import: kb.core, kb.content."""
