"""One POST to a subscriber, safe against server-side request forgery.

The target's host is resolved at delivery time and every address it resolves to must be a
public one (`ipaddress.is_global`: no loopback, private, link-local — which holds the cloud
metadata address 169.254.169.254 — shared, reserved or multicast address), unless
WEBHOOKS_ALLOW_PRIVATE_TARGETS is on. The connection then goes to the address that was
checked, not to a second lookup that DNS could answer differently (DNS rebinding), with the
host name kept for the Host header, SNI and the certificate check. Timeouts are 10 s to
connect and 10 s per read, with 30 s for the whole exchange (a watchdog); redirects are
not followed; at most 64 KB of the reply is read.
"""

import contextlib
import ipaddress
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
import urllib3.connection
from django.conf import settings
from django.utils.translation import gettext as _

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 10.0
TOTAL_SECONDS = 30.0
MAX_REPLY_BYTES = 64 * 1024
EXCERPT_BYTES = 1024


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
    status_code: int | None
    error: str
    excerpt: str


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


# IPv6 prefixes that carry an IPv4 address (NAT64) or are deprecated site-local ones, which
# Python's `is_global` calls global.
_NAT64 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6:
        if ip.teredo is not None or ip in _SITE_LOCAL:
            return True
        # An IPv4 address inside an IPv6 one (mapped, 6to4, NAT64) is judged as itself.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif any(ip in network for network in _NAT64):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return not ip.is_global or ip.is_multicast


def resolve(target: Target) -> str:
    """The address to connect to, after checking every address the host resolves to."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("The target's host name does not resolve.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        blocked = [address for address in addresses if _forbidden(address)]
        if blocked:
            raise Refused(
                _(
                    "The target resolves to a private, loopback, link-local or otherwise "
                    "non-public address (%(address)s)."
                )
                % {"address": blocked[0]}
            )
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
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if expired.is_set():
            return Reply(None, _("No reply within %(s)d s.") % {"s": TOTAL_SECONDS}, "")
        if isinstance(exc, urllib3.exceptions.HTTPError):
            return Reply(None, _describe(exc), "")
        return Reply(None, str(exc)[:300] or type(exc).__name__, "")
    finally:
        watchdog.cancel()
        connection.close()
    excerpt = data[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    return Reply(response.status, "", excerpt)


def _read(response) -> bytes:
    """At most MAX_REPLY_BYTES of the reply, returning as soon as each piece arrives (the
    watchdog ends a reply that never does)."""
    chunks, size = [], 0
    while size < MAX_REPLY_BYTES:
        try:
            chunk = response.read1(min(8192, MAX_REPLY_BYTES - size))
        except (urllib3.exceptions.HTTPError, OSError):
            break  # what came before the connection ended (or was ended) is kept
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError):
        return _("Timed out connecting (10 s).")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return _("Timed out waiting for the reply (10 s).")
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return _("Could not connect: %(reason)s") % {"reason": str(exc.__context__ or exc)[:200]}
    if isinstance(exc, urllib3.exceptions.SSLError):
        return _("TLS failed: %(reason)s") % {"reason": str(exc)[:200]}
    return f"{type(exc).__name__}: {exc}"[:300]
