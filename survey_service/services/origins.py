"""Web origins (``scheme://host[:port]``): parsed strictly, compared as browsers send them.

A survey's ``embed_origins`` go verbatim into its form's Content-Security-Policy header and
decide which sites may call its public API from a browser (CORS), so an origin is the whole
string ``http(s)://host[:port]`` and nothing else: no whitespace, control character,
userinfo, path, query or fragment can pass.
"""

from __future__ import annotations

import ipaddress
import re

# scheme://host[:port], optionally with an empty path ("/"). Every character is spelled out.
_ORIGIN = re.compile(
    r"(?P<scheme>https?)://"
    r"(?P<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[(?P<ipv6>[0-9A-Fa-f:.]+)\])"
    r"(?::(?P<port>[0-9]{1,5}))?/?",
    re.IGNORECASE,
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_origin(origin: object) -> bool:
    """Whether ``origin`` is exactly ``http(s)://host[:port]`` (a trailing "/" allowed): a
    host name of letters, digits, dots and hyphens, or an IPv6 address in brackets, and a
    port from 1 to 65535."""
    return canonical(origin) is not None


def canonical(origin: object) -> str | None:
    """``origin`` as a browser serialises it in an ``Origin`` header (lower case, no trailing
    "/", no default port), or None when it is not an origin. Two spellings of one origin have
    the same canonical form, so a configured ``https://Www.Bergen.kommune.no:443/`` matches the
    browser's ``https://www.bergen.kommune.no``."""
    match = _ORIGIN.fullmatch(origin) if isinstance(origin, str) else None
    if match is None:
        return None
    if match["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(match["ipv6"])
        except ValueError:
            return None
    scheme, host = match["scheme"].lower(), match["host"].lower()
    port = None if match["port"] is None else int(match["port"])
    if port is not None and not 1 <= port <= 65535:
        return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
