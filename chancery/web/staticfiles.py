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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Names found not collected, with the manifest's size then: looking for the file
        #: again costs a file-system call and an exception, four times a page.
        self._plain: set[tuple[str, int]] = set()
        #: URLs by name and manifest size: the same few files on every page.
        self._urls: dict[tuple[str, int], str] = {}

    def url(self, name, force: bool = False) -> str:
        if force:
            return super().url(name, force=True)
        key = (name, len(self.hashed_files))  # a collectstatic here grows the manifest
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = super().url(name)
        return found

    def stored_name(self, name: str) -> str:
        key = (name, len(self.hashed_files))  # a collectstatic here grows the manifest
        if key in self._plain:
            return name
        try:
            return super().stored_name(name)
        except ValueError:  # not in STATIC_ROOT: nothing collected yet
            self._plain.add(key)
            return name
