"""IIIF: Presentation 3 manifests for scanned documents and an Image API 3 (level 1) server."""
