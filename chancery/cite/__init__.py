"""Citations of documents: CSL-JSON as the one source, rendered with citeproc-py and CSL
styles (Chicago, MLA, APA), exported as BibTeX, RIS and CSL-JSON, and embedded in record
pages as Highwire Press ``citation_*`` meta tags and schema.org JSON-LD."""
