"""Machine-read text of scans: Tesseract OCR (or a PDF's own text layer) per page, with word
boxes and confidence, read in a background job and kept apart from human transcripts."""
