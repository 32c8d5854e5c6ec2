"""Is Spark where the URL says? Probed before a session starts, because Spark's own
clients retry for a minute (a standalone master) or for many minutes (Spark Connect)
before they say that nothing, or something else, answers there."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from cardgate.core.errors import ConfigurationError

MASTER_HINT = (
    "start the cluster's master or name the one that runs (--spark-master spark://host:7077); "
    "without --spark-master Spark runs on this machine"
)
CONNECT_HINT = (
    "Spark Connect (SPARK_REMOTE) needs pip install 'pyspark[connect]' and a server "
    "reachable at that address; unset SPARK_REMOTE to run Spark locally"
)
MASTER_PORT, CONNECT_PORT = 7077, 15002  # Spark's defaults when the URL names no port
PROBE_SECONDS = 10.0

# RFC 9113 §3.4: the client's connection preface, then an empty SETTINGS frame (a 9-byte
# frame header: length 0, type 0x4, no flags, stream 0). A server's preface is a SETTINGS
# frame; gRPC, which Spark Connect speaks, runs over HTTP/2.
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
_SETTINGS = 4


def check_reachable(address: str, *, connect: bool) -> None:
    """`ConfigurationError` at once when nothing listens where a standalone master
    (``spark://host:port``, or several for high availability) or a Spark Connect server
    (``sc://host:port``) should be, or when what listens at a Connect address does not
    answer HTTP/2 (a web server, a database: the Connect client would retry it for many
    minutes). Other masters (``local``, ``yarn``, ``k8s://``), ``SPARK_REMOTE=local`` (a
    server PySpark starts itself) and TLS connections (``use_ssl=true``, whose handshake
    the client makes) are probed for a listener only, or not at all."""
    scheme = "sc://" if connect else "spark://"
    if not address.startswith(scheme):
        return
    hosts, _, parameters = address[len(scheme) :].partition("/")
    places = [urlsplit(f"//{host}") for host in ([hosts] if connect else hosts.split(","))]
    default = CONNECT_PORT if connect else MASTER_PORT
    speaks_http2 = connect and "use_ssl=true" not in parameters.lower().replace(" ", "")
    failures = []
    for place in places:
        try:
            host, port = place.hostname or "localhost", place.port or default
        except ValueError as error:  # a port that is not a number
            failures.append(f"{place.netloc}: {error}")
            continue
        try:
            with socket.create_connection((host, port), timeout=PROBE_SECONDS) as probe:
                if speaks_http2 and not _answers_http2(probe):
                    raise ConfigurationError(
                        f"cannot start Spark ({address}): what listens at {host}:{port} is "
                        "not a Spark Connect server (it does not answer HTTP/2, which "
                        "Spark Connect's gRPC speaks)",
                        hint="check the host and port in SPARK_REMOTE (Spark Connect's "
                        f"default port is {CONNECT_PORT})",
                    )
                return
        except OSError as error:
            failures.append(f"{host}:{port}: {error.strerror or error}")
    what = "no Spark Connect server" if connect else "no Spark master"
    raise ConfigurationError(
        f"cannot start Spark ({address}): {what} answers at {'; '.join(failures)}",
        hint=CONNECT_HINT if connect else MASTER_HINT,
    )


def _answers_http2(probe: socket.socket) -> bool:
    """Whether the listener answers the HTTP/2 connection preface with its own (a
    SETTINGS frame) within the probe's time."""
    try:
        probe.sendall(_HTTP2_PREFACE)
        header = b""
        while len(header) < 9:
            chunk = probe.recv(9 - len(header))
            if not chunk:
                return False
            header += chunk
    except OSError:
        return False
    return header[3] == _SETTINGS
