"""信访工作经验库: the content pipeline (load → validate → index → render → site)."""
