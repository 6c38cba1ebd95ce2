"""What is about HTTP in a URL: one canonical form per page, the origin, the same
host. The portal's own shapes (article id, channel id, page N, a channel's list)
are `transforms/urls.py`'s, the one rule the crawler, loader and watcher share.

The canonical URL only keeps the same page from being stored under two spellings.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _netloc(scheme: str, parts) -> str:
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return host


def canonicalise(url: str, base: str | None = None) -> str:
    """Absolute URL with lower-case scheme/host, no default port, no fragment and
    query parameters sorted (the portal serves `ChannelId&articleID` in either order)."""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        # Not ours to normalise (javascript:, mailto:, file:); callers reject it.
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, _netloc(scheme, parts), parts.path or "/", query, ""))


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) with the default port made explicit."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)


def same_host(url: str, base: str) -> bool:
    """True when `url` is http(s) on the same host *and port* as `base`.

    The port counts: another service on the portal's address is another site.
    http and https of the same host are treated as the same site (portals
    redirect between them), but only on their own default ports.
    """
    if not is_http(url) or not is_http(base):
        return False
    u_scheme, u_host, u_port = origin(url)
    b_scheme, b_host, b_port = origin(base)
    if u_host != b_host:
        return False
    if u_port == b_port:
        return True
    # http://host <-> https://host upgrades (both on default ports).
    return u_port == _DEFAULT_PORTS[u_scheme] and b_port == _DEFAULT_PORTS[b_scheme]
