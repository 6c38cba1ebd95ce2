"""Typed errors of the network side (`ingest/`).

Every error carries the URL it is about; `str(err)` is one line, fit for a
run record's ``errors`` list and for the CLI's one-line message.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error raised by `ingest/`."""

    def __init__(self, url: str, detail: str = ""):
        self.url = url
        self.detail = detail
        super().__init__(f"{type(self).__name__}: {url}" + (f" ({detail})" if detail else ""))


class NotHttp(IngestError):
    """The URL's scheme is not http or https (file:, javascript:, mailto: ...)."""


class OffHost(IngestError):
    """The URL points outside the configured portal host (host or port differ)."""


class OffHostRedirect(IngestError):
    """The portal redirected to another host, port or scheme; not followed."""


class TooManyRedirects(IngestError):
    """More redirects in a row than a sane site sends (a loop)."""


class RobotsDisallowed(IngestError):
    """The portal's robots.txt forbids our User-Agent to fetch this URL."""


class ResponseTooLarge(IngestError):
    """The body exceeded Settings.max_bytes; the download was aborted."""


class FetchFailed(IngestError):
    """The request still failed after every retry (network error or HTTP status)."""

    def __init__(self, url: str, detail: str = "", status: int | None = None):
        self.status = status
        super().__init__(url, detail)


class ParserMissing(IngestError):
    """`transforms.parse_listing` is not importable, so list pages cannot be read."""


class DeadlineExceeded(IngestError):
    """No complete answer within `Settings.request_deadline_s` (a server dripping
    bytes); the connection was cut. Not retried: it would drip again."""


class RunAborted(IngestError):
    """The run was stopped (Ctrl-C, SIGTERM, its overall deadline) before or while
    this URL was fetched."""


class RobotsUnavailable(IngestError):
    """robots.txt could not be read (server error or network failure): RFC 9309
    says to assume complete disallow until it answers, so nothing is fetched."""
