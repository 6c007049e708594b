"""One POST to a subscriber, safe against server-side request forgery.

The target's host is resolved at delivery time and every address it resolves to must be an
ordinary public one: in none of the blocks of IANA's special-purpose address registries
(loopback, private, link-local — which holds the cloud metadata address 169.254.169.254 —,
shared, documentation, anycast services, ...; the list below), not multicast, and for IPv6
inside 2000::/3; an IPv4 address carried in an IPv6 one is judged as itself. This holds
unless WEBHOOKS_ALLOW_PRIVATE_TARGETS is on. The connection then goes to the address that
was checked, not to a second lookup that DNS could answer differently (DNS rebinding), with
the host name kept for the Host header, SNI and the certificate check. Timeouts are 10 s to
connect and 10 s per read, with 30 s for the whole exchange (a watchdog); redirects are
not followed; at most 64 KB of the reply is read. Whatever the target answers becomes a
Reply whose texts a database can store (`storable`).
"""

import contextlib
import ipaddress
import logging
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from http import client as http_client
from urllib.parse import urlsplit

import certifi
import urllib3
import urllib3.connection
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 10.0
TOTAL_SECONDS = 30.0
MAX_REPLY_BYTES = 64 * 1024
EXCERPT_BYTES = 1024
ERROR_CHARS = 300  # Attempt.error's length


class Refused(Exception):
    """The target may not be called (scheme, address); the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    host_header: str


@dataclass(frozen=True)
class Reply:
    """What came back, its texts always storable (a target may send anything)."""

    status_code: int | None
    error: str
    excerpt: str

    def __post_init__(self):
        object.__setattr__(self, "error", storable(self.error, ERROR_CHARS))
        object.__setattr__(self, "excerpt", storable(self.excerpt, EXCERPT_BYTES))


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, as every database can store it: a NUL (which
    PostgreSQL's text refuses) or a lone surrogate (which is not UTF-8) becomes U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text[:limit])


def parse(url: str) -> Target:
    """The target of `url`, or Refused for a scheme this deployment does not allow."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    allowed = ("https",) if settings.WEBHOOKS_REQUIRE_HTTPS else ("https", "http")
    if scheme not in allowed:
        raise Refused(_("The target URL must use %(schemes)s.") % {"schemes": " or ".join(allowed)})
    if not parts.hostname:
        raise Refused(_("The target URL has no host."))
    if parts.username or parts.password:
        raise Refused(_("The target URL may not carry a user name or password."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise Refused(_("The target URL's port is not valid.")) from None
    host = parts.hostname
    if not host.isascii():  # an internationalised name: its ASCII (IDNA) form on the wire
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise Refused(_("The target's host name is not valid.")) from None
    shown = f"[{host}]" if ":" in host else host
    default_port = {"https": 443, "http": 80}[scheme]
    host_header = shown if port == default_port else f"{shown}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not path.isascii():
        path = urllib.parse.quote(path, safe="/?&=%:@!$'()*+,;~-._")
    return Target(scheme, host, port, path, host_header)


# Every block of IANA's IPv4 and IPv6 Special-Purpose Address Registries
# (https://www.iana.org/assignments/iana-ipv4-special-registry and
# .../iana-ipv6-special-registry, as updated in 2025), written out because Python's
# `is_global` lags behind them: 3.11.7 calls 192.0.0.192 global (the CVE-2024-4032 fix
# came later) and knows nothing of 5f00::/16. The entries IANA marks "Globally Reachable"
# (marked * below) are refused too: they are anycast services (PCP, TURN, DNS-SD),
# AS112's DNS sinks, AMT relays and ORCHID/DET identifiers, where no webhook receiver
# lives. The blocks that carry an IPv4 address (IPv4-mapped, 6to4, the well-known NAT64
# prefix) are listed for completeness but never reached: such an address is judged as the
# IPv4 address inside it (`_embedded_ipv4`), which is where the packet goes.
SPECIAL_PURPOSE_IPV4 = {
    "0.0.0.0/8": "this network",
    "0.0.0.0/32": "this host on this network",
    "10.0.0.0/8": "private use",
    "100.64.0.0/10": "shared address space (carrier-grade NAT)",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link local (cloud metadata)",
    "172.16.0.0/12": "private use",
    "192.0.0.0/24": "IETF protocol assignments",
    "192.0.0.0/29": "IPv4 service continuity prefix (DS-Lite)",
    "192.0.0.8/32": "IPv4 dummy address",
    "192.0.0.9/32": "Port Control Protocol anycast *",
    "192.0.0.10/32": "TURN anycast *",
    "192.0.0.170/32": "NAT64/DNS64 discovery",
    "192.0.0.171/32": "NAT64/DNS64 discovery",
    "192.0.2.0/24": "documentation (TEST-NET-1)",
    "192.31.196.0/24": "AS112-v4 *",
    "192.52.193.0/24": "AMT *",
    "192.88.99.0/24": "deprecated 6to4 relay anycast",
    "192.168.0.0/16": "private use",
    "192.175.48.0/24": "direct delegation AS112 service *",
    "198.18.0.0/15": "benchmarking",
    "198.51.100.0/24": "documentation (TEST-NET-2)",
    "203.0.113.0/24": "documentation (TEST-NET-3)",
    "240.0.0.0/4": "reserved",
    "255.255.255.255/32": "limited broadcast",
}
SPECIAL_PURPOSE_IPV6 = {
    "::1/128": "loopback",
    "::/128": "unspecified",
    "::ffff:0:0/96": "IPv4-mapped (judged as its IPv4 address)",
    "64:ff9b::/96": "IPv4-IPv6 translation, NAT64 * (judged as its IPv4 address)",
    # Local-use NAT64 (RFC 8215): where the IPv4 address sits depends on the operator's
    # prefix length, so it cannot be judged; refused.
    "64:ff9b:1::/48": "IPv4-IPv6 translation, local use",
    "100::/64": "discard only",
    "100:0:0:1::/64": "dummy IPv6 prefix",
    "2001::/23": "IETF protocol assignments",
    "2001::/32": "Teredo",
    "2001:1::1/128": "Port Control Protocol anycast *",
    "2001:1::2/128": "TURN anycast *",
    "2001:1::3/128": "DNS-SD service registration protocol anycast *",
    "2001:2::/48": "benchmarking",
    "2001:3::/32": "AMT *",
    "2001:4:112::/48": "AS112-v6 *",
    "2001:10::/28": "deprecated ORCHID",
    "2001:20::/28": "ORCHIDv2 *",
    "2001:30::/28": "drone remote ID entity tags *",
    "2001:db8::/32": "documentation",
    "2002::/16": "6to4 (judged as its IPv4 address)",
    "2620:4f:8000::/48": "direct delegation AS112 service *",
    "3fff::/20": "documentation",
    "5f00::/16": "segment routing (SRv6) SIDs",
    "fc00::/7": "unique local",
    "fe80::/10": "link-local unicast",
}
_SPECIAL = [ipaddress.ip_network(block) for block in [*SPECIAL_PURPOSE_IPV4, *SPECIAL_PURPOSE_IPV6]]
# Outside those registries: multicast (224.0.0.0/4, ff00::/8), the deprecated site-local
# fec0::/10, and any IPv6 address outside 2000::/3, the only block IANA hands out for
# global unicast (the rest is reserved by the IETF).
_MULTICAST = [ipaddress.ip_network("224.0.0.0/4"), ipaddress.ip_network("ff00::/8")]
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
# IPv6 forms that carry an IPv4 address in their last 32 bits: IPv4-mapped, SIIT's
# IPv4-translated (::ffff:0:a.b.c.d), the deprecated IPv4-compatible (::a.b.c.d; :: and
# ::1 are themselves), and the well-known NAT64 prefix.
_LOW_32_BITS_V4 = [
    ipaddress.ip_network("::ffff:0:0/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("64:ff9b::/96"),
]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a packet to `ip` really goes to, if `ip` carries one."""
    if ip in (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1")):
        return None
    if any(ip in network for network in _LOW_32_BITS_V4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour  # 2002:a.b.c.d::/48, or None


def forbidden(address: str) -> bool:
    """Whether `address` is anything but an ordinary public unicast host."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        ip = _embedded_ipv4(ip) or ip
    if any(ip in network for network in _SPECIAL) or any(ip in m for m in _MULTICAST):
        return True
    if ip.version == 6 and ip not in _GLOBAL_UNICAST_V6:
        return True
    return not ip.is_global  # a second opinion, should the lists above miss something


def resolve(target: Target) -> str:
    """The address to connect to, after checking every address the host resolves to.

    A name that does not resolve and one that resolves to a refused address get the same
    message, which names no address: otherwise a manager's form (or a delivery log) would
    tell whoever types host names what the portal's DNS knows of its internal network. The
    server log says which it was.
    """
    refused = _("The target's host does not resolve, or resolves to a non-public address.")
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        logger.info("Webhook target %s refused: it does not resolve (%s)", target.host, exc)
        raise Refused(refused) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        blocked = [address for address in addresses if forbidden(address)]
        if blocked:
            logger.info(
                "Webhook target %s refused: it resolves to %s", target.host, ", ".join(blocked)
            )
            raise Refused(refused)
    return addresses[0]


def check(url: str) -> None:
    """Refused unless a delivery to `url` would be allowed now."""
    resolve(parse(url))


def post(url: str, body: bytes, headers: dict[str, str]) -> Reply:
    """POST `body` to `url` once; never raises for what the network or the target does.

    A watchdog closes the connection when the whole exchange (connect, TLS, request, reply)
    has taken TOTAL_SECONDS, however slowly the target dribbles bytes: the per-read timeout
    alone would let a target that sends a byte every few seconds hold the worker for hours.
    """
    try:
        target = parse(url)
        address = resolve(target)
    except Refused as refused:
        return Reply(None, str(refused), "")
    # One socket timeout for connecting and for each read (both 10 s).
    timeout = max(CONNECT_TIMEOUT, READ_TIMEOUT)
    if target.scheme == "https":
        connection = urllib3.connection.HTTPSConnection(
            address,
            target.port,
            timeout=timeout,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    else:
        connection = urllib3.connection.HTTPConnection(address, target.port, timeout=timeout)
    expired = threading.Event()

    def expire():
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(TOTAL_SECONDS, expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            preload_content=False,
        )
        response = connection.getresponse()
        data = _read(response)
    except (urllib3.exceptions.HTTPError, http_client.HTTPException, OSError) as exc:
        # http.client's own errors (a reply that is not HTTP, a line over 64 KB) are no
        # OSError and reach us unwrapped.
        if expired.is_set():
            return Reply(None, _("No reply within %(s)d s.") % {"s": TOTAL_SECONDS}, "")
        return Reply(None, _describe(exc), "")
    finally:
        watchdog.cancel()
        connection.close()
    # Invalid UTF-8 becomes U+FFFD; so do NUL characters (in Reply).
    excerpt = data[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    return Reply(response.status, "", excerpt)


def _read(response) -> bytes:
    """At most MAX_REPLY_BYTES of the reply, returning as soon as each piece arrives (the
    watchdog ends a reply that never does)."""
    chunks, size = [], 0
    while size < MAX_REPLY_BYTES:
        try:
            chunk = response.read1(min(8192, MAX_REPLY_BYTES - size))
        except (urllib3.exceptions.HTTPError, http_client.HTTPException, OSError):
            break  # what came before the connection ended (or was ended) is kept
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe(exc: Exception) -> str:
    """Why no reply came, in words a manager reads in the delivery log. What the target
    sent is quoted escaped (repr) and short."""
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return _("Timed out connecting (10 s).")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return _("Timed out waiting for the reply (10 s).")
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return _("Could not connect: %(reason)s") % {"reason": str(exc.__context__ or exc)[:200]}
    if isinstance(exc, urllib3.exceptions.SSLError):
        return _("TLS failed: %(reason)s") % {"reason": str(exc)[:200]}
    if isinstance(exc, http_client.RemoteDisconnected):
        return _("The target closed the connection without replying.")
    if isinstance(exc, http_client.BadStatusLine):
        line = exc.line if isinstance(exc.line, str) else ""
        return _("The reply is not HTTP; its first line is %(line)s.") % {
            "line": repr(line[:80]) + ("..." if len(line) > 80 else "")
        }
    if isinstance(exc, http_client.LineTooLong):
        return _("The reply has a line longer than 64 KB.")
    if isinstance(exc, urllib3.exceptions.HTTPError | http_client.HTTPException):
        return f"{type(exc).__name__}: {exc}"
    return str(exc) or type(exc).__name__
