"""Who sent a request, for the limits only: its network address, kept in memory and hashed.

Behind reverse proxies the peer is the last proxy, and the client is in ``X-Forwarded-For``,
which each proxy extends with the address it received the request from. Only the entries
added by proxies of our own can be believed: ``SURVEY_TRUSTED_PROXIES`` says how many there
are, and the client is that many entries from the right. With 0 (the default) the header is
ignored, since anyone can send one and would otherwise pick a fresh identity per request.

An IPv6 client is taken by its /64 network: one subscriber is usually given a whole /64 and
could otherwise step through its addresses. The address is never stored or logged.
"""

from __future__ import annotations

import ipaddress

from flask import current_app, request


def client_address() -> str:
    """The address of the client as far as the trusted proxies say, else of the peer."""
    hops = current_app.config.get("SURVEY_TRUSTED_PROXIES") or 0
    peer = request.remote_addr or ""
    if hops <= 0:
        return peer
    forwarded = [
        entry.strip()
        for header in request.headers.getlist("X-Forwarded-For")
        for entry in header.split(",")
    ]
    # Fewer entries than proxies: the request did not come through all of them.
    return forwarded[-hops] if len(forwarded) >= hops else peer


def client_key() -> bytes:
    """The client as the limits count it (an IPv6 client by its /64)."""
    address = client_address()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address.encode()[:100]  # not an address (a proxy's oddity): still one key
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return parsed.ipv4_mapped.packed
        return ipaddress.IPv6Network((parsed, 64), strict=False).network_address.packed
    return parsed.packed
