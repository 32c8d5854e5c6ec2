"""SSH signatures with ``ssh-keygen -Y`` (namespace ``cardgate``): sign, find, verify.

The same mechanism git uses for signed commits: a signer's SSH key signs bytes; an
``allowed_signers`` file (git's format: ``PRINCIPAL [namespaces="cardgate"] KEYTYPE KEY``)
says whose public key is whose. Nothing reaches the network; ssh-keygen must be installed
(OpenSSH 8.2 or later). A missing ssh-keygen is `SshUnavailable`: callers fail closed.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

NAMESPACE = "cardgate"


class SshUnavailable(Exception):
    """ssh-keygen cannot be run."""


class SigningError(Exception):
    """ssh-keygen refused to sign; the message says why."""


class NotAKey(SigningError):
    """The file given as the key is no SSH key ssh-keygen can sign with."""


def _run(args: list[str], data: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["ssh-keygen", *args], input=data, capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SshUnavailable(f"cannot run ssh-keygen: {error}") from error


def sign(key: Path, data: bytes, *, namespace: str = NAMESPACE) -> str:
    """The armored SSH signature of `data` by the private key at `key`."""
    done = _run(["-q", "-Y", "sign", "-n", namespace, "-f", str(key)], data)
    text = done.stdout.decode("ascii", "replace")
    if done.returncode != 0 or "BEGIN SSH SIGNATURE" not in text:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if reason and reason[-1].startswith("Couldn't load public key"):
            # ssh-keygen read no private key there, then no public key either (a public
            # key names a private half held by ssh-agent) and names only the last attempt
            if not key.exists():
                raise NotAKey("no such file")
            raise NotAKey("is not an SSH private key (nor the public half of a key in ssh-agent)")
        raise SigningError(reason[-1] if reason else "ssh-keygen could not sign")
    return text.strip() + "\n"


def _with_signature(signature: str) -> tuple[str, int]:
    handle, path = tempfile.mkstemp(prefix="cardgate-", suffix=".sig")
    with os.fdopen(handle, "w", encoding="ascii", errors="replace") as stream:
        stream.write(signature)
    return path, handle


def principals(allowed_signers: Path, signature: str, *, namespace: str = NAMESPACE) -> list[str]:
    """The principals of `allowed_signers` whose key made `signature` (none: [])."""
    path, _ = _with_signature(signature)
    try:
        done = _run(
            ["-Y", "find-principals", "-n", namespace, "-f", str(allowed_signers), "-s", path],
            b"",
        )
    finally:
        os.unlink(path)
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.decode("utf-8", "replace").splitlines() if line]


def verify(
    allowed_signers: Path,
    principal: str,
    signature: str,
    data: bytes,
    *,
    namespace: str = NAMESPACE,
) -> bool:
    """Whether `signature` is `principal`'s (per `allowed_signers`) over exactly `data`."""
    path, _ = _with_signature(signature)
    try:
        done = _run(
            [
                "-Y",
                "verify",
                "-n",
                namespace,
                "-f",
                str(allowed_signers),
                "-I",
                principal,
                "-s",
                path,
            ],
            data,
        )
    finally:
        os.unlink(path)
    return done.returncode == 0
