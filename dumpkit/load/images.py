"""Images to upload, fetched from --images-from: a folder copied from the old shop (FTP), or
the old shop's base URL. The package names each image by an absolute URL or a path relative
to the shop root; a folder never hands out a file outside itself."""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import httpx

MAX_IMAGE_BYTES = 32 * 1024 * 1024


class ImageMissing(Exception):
    """The image cannot be had: an issue line, never a stop."""


class ImageSource:
    def __init__(self, where: str | Path):
        where = str(where)
        self.base_url = where if urlparse(where).scheme in ("http", "https") else None
        self.folder = None if self.base_url else Path(where).resolve()
        if self.folder is not None and not self.folder.is_dir():
            raise FileNotFoundError(where)
        self.http = httpx.AsyncClient(timeout=30.0, follow_redirects=True) if self.base_url else None

    async def fetch(self, source_url: str) -> tuple[str, bytes]:
        """(file name, bytes) of the image, or ImageMissing with the reason."""
        parsed = urlparse(source_url)
        name = PurePosixPath(unquote(parsed.path)).name or "image"
        if self.folder is not None:
            rel = unquote(parsed.path).lstrip("/")
            path = (self.folder / rel).resolve()
            if not path.is_relative_to(self.folder):
                raise ImageMissing(f"image {source_url}: outside the images folder, not read")
            if not path.is_file():
                raise ImageMissing(f"image {source_url}: not found in {self.folder}")
            if path.stat().st_size > MAX_IMAGE_BYTES:
                raise ImageMissing(f"image {source_url}: larger than {MAX_IMAGE_BYTES // 2**20} MB")
            return name, path.read_bytes()
        url = source_url if parsed.scheme in ("http", "https") else urljoin(self.base_url.rstrip("/") + "/",
                                                                               source_url.lstrip("/"))
        try:
            r = await self.http.get(url)
        except httpx.HTTPError as e:
            raise ImageMissing(f"image {url}: {type(e).__name__}") from None
        if r.status_code != 200 or not r.content:
            raise ImageMissing(f"image {url}: HTTP {r.status_code}")
        if len(r.content) > MAX_IMAGE_BYTES:
            raise ImageMissing(f"image {url}: larger than {MAX_IMAGE_BYTES // 2**20} MB")
        return name, r.content

    async def aclose(self) -> None:
        if self.http is not None:
            await self.http.aclose()
