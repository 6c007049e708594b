"""HTTPS in front of a test server: node-agent-sdk writes `https://` into every URL it
builds, so its requests reach the live portal through this TLS front on 127.0.0.1, with a
certificate made here that the node process trusts (NODE_EXTRA_CA_CERTS). Bytes are passed
through as they are: the portal sees the client's own requests, Host header included."""

import datetime
import ipaddress
import socket
import ssl
import threading
from contextlib import contextmanager, suppress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, as PEM files in `folder`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _pipe(source, target):
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        for conn in (source, target):
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _LockedTLS:
    """A TLS socket that two threads share, one reading and one writing: OpenSSL forbids
    using one SSL object from two threads at once (a read racing a write can break the
    stream, which a busy machine turned into node's "Error: aborted"), so every call takes
    a lock, and a read gives the lock up every few milliseconds while nothing arrives."""

    POLL = 0.02

    def __init__(self, tls, timeout):
        self.tls, self.timeout, self.lock = tls, timeout, threading.Lock()

    def recv(self, size):
        waited = 0.0
        while True:
            with self.lock:
                self.tls.settimeout(self.POLL)
                try:
                    return self.tls.recv(size)
                except TimeoutError:
                    pass
            waited += self.POLL
            if waited >= self.timeout:
                raise TimeoutError

    def sendall(self, data):
        with self.lock:
            self.tls.settimeout(self.timeout)
            self.tls.sendall(data)

    def shutdown(self, how):
        with self.lock:
            self.tls.shutdown(how)


@contextmanager
def tls_front(backend_host: str, backend_port: int, folder: Path):
    """Serve TLS on a free port of 127.0.0.1 and pass each connection to the backend;
    yields (`127.0.0.1:<port>`, the certificate file)."""
    cert_file, key_file = self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()
    open_sockets = []

    def serve():
        while not stop.is_set():
            try:
                raw, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=handle, args=(raw,), daemon=True).start()

    def handle(raw):
        raw.settimeout(30)
        try:
            client = context.wrap_socket(raw, server_side=True)
            backend = socket.create_connection((backend_host, backend_port), timeout=30)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        open_sockets.extend([client, backend])
        shared = _LockedTLS(client, timeout=30)
        threading.Thread(target=_pipe, args=(backend, shared), daemon=True).start()
        _pipe(shared, backend)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{port}", cert_file
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
        for conn in open_sockets:
            conn.close()
