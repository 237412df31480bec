"""Refuse links that would make the worker fetch from inside its own network.

Article links come from feeds anyone can write: a link to 169.254.169.254,
localhost or a 10.x host would turn the full-text fetcher into a proxy into
the operator's network (server-side request forgery). Only http(s) URLs whose
host resolves to public addresses are fetched, unless the operator allows
private ones. Each redirect hop is checked again by the caller. The check
resolves the name itself, so a DNS answer that changes between the check and
the connection (rebinding) is not covered: run the worker with egress rules
if that matters.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeURLError(ValueError):
    """The URL is not http(s), or its host resolves to a non-public address."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_url(url: str, *, allow_private: bool = False) -> None:
    """Raise `UnsafeURLError` unless `url` may be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURLError(f"not an http(s) URL: {url[:200]}")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM
        )
    except OSError as exc:
        raise UnsafeURLError(f"cannot resolve {parts.hostname}: {exc}") from exc
    refused = sorted({str(info[4][0]) for info in infos if not _public(str(info[4][0]))})
    if refused or not infos:
        raise UnsafeURLError(f"{parts.hostname} resolves to non-public {', '.join(refused)}")
