"""Search: Chinese analysis (analysis), query understanding (query), the whoosh index and
`kb search` (index), the site's own search data and script (sitesearch, search.js), related cases
(related) and the judged-query scoring (evaluate). May import: kb.core, kb.content."""
