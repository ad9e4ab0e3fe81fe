"""URL helpers shared by the site modules: checking, normalising, dropping tracking params."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.errors import UnsupportedSite

WEB_SCHEMES = frozenset({"http", "https"})
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "cmpid", "spm"}
)
TRACKING_PREFIXES = ("utm_",)


def host_of(url: str) -> str:
    """Lower-case host without port or a leading "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def require_web_url(url: str) -> str:
    """`url` stripped, or `UnsupportedSite` when it is not an absolute http(s) URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError on a malformed port
    except ValueError as exc:
        raise UnsupportedSite(url) from exc
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        raise UnsupportedSite(url)
    return url


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


DEFAULT_PORTS = {"http": 80, "https": 443}


def host_port(url: str, *, keep_default_port: bool = True) -> str:
    """`host[:port]` in lower case, IPv6 literals in brackets, as a URL's netloc needs it.

    Raises ValueError for a port that is not a number in range.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (not keep_default_port and DEFAULT_PORTS.get(parts.scheme) == port):
        return host
    return f"{host}:{port}"


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no default port."""
    parts = urlsplit(url.strip())
    host = host_port(url, keep_default_port=False)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))
