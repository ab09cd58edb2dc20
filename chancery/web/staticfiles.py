"""Static files under names that hold a hash of their content, compressed once.

``chancery serve`` (and the deployment's migrate unit) runs ``collectstatic`` before the
server starts: each file is copied into ``STATIC_ROOT`` under a hashed name
(``site.3c9f….css``) with its gzip (and Brotli) twin made there, once. Whitenoise serves a
hashed name with ``Cache-Control: max-age=315360000, public, immutable`` — a browser never
asks again; a changed file has another name — and the compressed twin to a client that
accepts it. Before ``collectstatic`` has run (``chancery runserver``, the tests), pages name
the plain files, which whitenoise finds in the apps' folders and lets be kept a minute.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False  # a file not collected yet keeps its plain name

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:  # not in STATIC_ROOT: nothing collected yet
            return name
