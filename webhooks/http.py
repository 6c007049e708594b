"""One POST to a subscriber, safe against server-side request forgery.

The target's host is resolved at delivery time and every address it resolves to must be a
public one (`ipaddress.is_global`: no loopback, private, link-local — which holds the cloud
metadata address 169.254.169.254 — shared, reserved or multicast address), unless
WEBHOOKS_ALLOW_PRIVATE_TARGETS is on. The connection then goes to the address that was
checked, not to a second lookup that DNS could answer differently (DNS rebinding), with the
host name kept for the Host header, SNI and the certificate check. Timeouts are 10 s to
connect and 10 s per read, with 30 s for the whole reply; redirects are not followed; at
most 64 KB of the reply is read.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
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
    shown = f"[{host}]" if ":" in host else host
    default_port = {"https": 443, "http": 80}[scheme]
    host_header = shown if port == default_port else f"{shown}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, host_header)


def _forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
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
    """POST `body` to `url` once; never raises for what the network or the target does."""
    try:
        target = parse(url)
        address = resolve(target)
    except Refused as refused:
        return Reply(None, str(refused), "")
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    options = {"timeout": timeout, "retries": False, "maxsize": 1, "block": False}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, **options)
    deadline = time.monotonic() + TOTAL_SECONDS
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": target.host_header},
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
            try:
                data = _read(response, deadline)
            finally:
                response.close()
    except urllib3.exceptions.HTTPError as exc:
        return Reply(None, _describe(exc), "")
    except OSError as exc:
        return Reply(None, str(exc)[:300] or type(exc).__name__, "")
    excerpt = data[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    return Reply(response.status, "", excerpt)


def _read(response, deadline: float) -> bytes:
    chunks, size = [], 0
    while size < MAX_REPLY_BYTES:
        if time.monotonic() > deadline:
            break
        chunk = response.read(min(8192, MAX_REPLY_BYTES - size))
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
