"""The only module that talks HTTP: fetch one page politely, with a timeout and a size cap."""

from __future__ import annotations

import httpx

from allris_parse import __version__
from allris_parse.errors import InputError

USER_AGENT = f"allris-parse/{__version__} (+https://pypi.org/project/allris-parse/)"
TIMEOUT_SECONDS = 30.0


def fetch_page(url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The body of ``url``; raises :class:`InputError` on network errors, HTTP errors or oversize bodies."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise InputError(f"HTTP {response.status_code} from {url}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"response larger than {max_bytes:,} bytes from {url}")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch {url}: {exc}") from exc
