"""The address of the person at the keyboard, for lockout and the audit log.

Behind the TLS proxy every request comes from the proxy; the proxy appends the address
it saw to X-Forwarded-For. Anything left of that was written by the client and can be
forged, so the client is the rightmost hop that is not one of our own proxies
(CONSOLE_TRUSTED_PROXIES), and the header is read only when the request itself came from
one of them. This is the rule MDN's X-Forwarded-For page gives for security uses.

Written here (a dozen lines on the standard library's ipaddress) rather than with
django-ipware: ipware matches its trusted-proxy list by position against the header's
own trailing entries, never checks that REMOTE_ADDR is a proxy, and cannot walk past a
variable number of trusted hops, so it cannot express this rule.
"""

import ipaddress
from typing import Iterable, List, Optional, Union

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
_CACHE_ATTRIBUTE = "_console_client_ip"


def parse_networks(value: str, name: str = "CONSOLE_TRUSTED_PROXIES") -> List[Network]:
    """'10.0.0.2, 172.18.0.0/16 ::1' -> networks; an entry that is neither an address
    nor a network stops the console from starting."""
    networks = []
    for entry in value.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or network"
            ) from None
    return networks


def _address(text: str) -> Optional[Union[ipaddress.IPv4Address, ipaddress.IPv6Address]]:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address, proxies: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def resolve(remote_addr: str, forwarded_for: str, proxies: Iterable[Network]) -> Optional[str]:
    """The client's address from the socket's peer and the X-Forwarded-For header."""
    proxies = list(proxies)
    peer = _address(remote_addr or "")
    if peer is None:
        return None
    if not proxies or not forwarded_for or not _trusted(peer, proxies):
        return str(peer)
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:  # our proxy wrote something that is not an address
            break
        client = address
        if not _trusted(address, proxies):
            break
    return str(client)


def client_ip(request) -> Optional[str]:
    """The request's client address (computed once per request)."""
    if request is None:
        return None
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = (
            resolve(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                settings.CONSOLE_TRUSTED_PROXIES,
            )
            or ""
        )
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached or None
