"""Where a webhook may go: http or https, a real host, and (unless NEWSREEL_WEBHOOKS_ALLOW_PRIVATE) only public
addresses, so that a registered URL cannot make the portal reach its own network (SSRF).

The rule is applied twice: when a URL is registered (a clear form error), and on every delivery to the address
actually connected to. A host name is resolved once per delivery and the connection goes to that checked
address, so a name that resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding)
is refused at the moment it matters.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 500
SCHEMES = {"http": 80, "https": 443}
PATH_SAFE = "/?&=%:@!$'()*+,;~-._"


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message says why, for the owner."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (a name, or an address without brackets)
    port: int
    path: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """The parts of a webhook URL, or UnsafeURL when it is not an http(s) URL with a host."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(_("The address is too long (at most %(max)d characters).") % {"max": MAX_URL_LENGTH})
    url = url.strip()
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):  # no spaces or line breaks into the request line
        raise UnsafeURL(_("This is not a valid web address."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("This is not a valid web address.")) from exc
    if parts.scheme not in SCHEMES:
        raise UnsafeURL(_("The address must start with https:// (or http://)."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("The address may not contain a user name or password; use the signing secret."))
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c.isspace() for c in host):
        raise UnsafeURL(_("The address has no valid host name."))
    try:
        host = host.encode("idna").decode("ascii") if not _literal(host) else host
    except UnicodeError as exc:
        raise UnsafeURL(_("The address has no valid host name.")) from exc
    # The request line is ASCII: other characters are sent percent-encoded, as a browser would.
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=PATH_SAFE)
    return Target(parts.scheme, host, port or SCHEMES[parts.scheme], path)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """A unicast address on the internet: not private, loopback, link-local, multicast, reserved, unspecified or
    shared (CGNAT), and the same for an IPv4 address carried inside IPv6 (mapped, 6to4, Teredo)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if inner is not None and not is_public(inner):
            return False
    return address.is_global and not (address.is_private or address.is_loopback or address.is_link_local
                                      or address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve(target: Target, *, allow_private: bool) -> list[IPAddress]:
    """The addresses to connect to, all checked; UnsafeURL if the name does not resolve or if any of its
    addresses is not public (a name that also points inside is not trusted with the others)."""
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise UnsafeURL(_("The host name %(host)s cannot be found.") % {"host": target.host}) from exc
        addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    if not allow_private:
        for address in addresses:
            if is_public(address):
                continue
            if literal is not None:
                raise UnsafeURL(_("Webhooks cannot be sent to %(address)s: it is not a public internet "
                                  "address.") % {"address": address})
            # The owner is not told which address the name has: that would let anyone read the portal's
            # internal DNS through this form. Operators find it in the log.
            log.warning("webhook URL refused: %s resolves to %s", target.host, address)
            raise UnsafeURL(_("Webhooks cannot be sent to %(host)s: it is not a public internet address.")
                            % {"host": target.host})
    if not addresses:
        raise UnsafeURL(_("The host name %(host)s cannot be found.") % {"host": target.host})
    return addresses


def check_url(url: str, *, allow_private: bool) -> Target:
    """The registration check: the URL's form and, now, the addresses its host resolves to."""
    target = parse_target(url)
    resolve(target, allow_private=allow_private)
    return target
