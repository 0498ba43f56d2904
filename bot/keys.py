"""The server secret that keys respondent hashes, and the hash itself (DESIGN.md §5).

The secret lives outside the database (an environment variable or a 0600 key file kept by
default in the configuration folder, not beside the database), so a copy or backup of the
data folder alone cannot link answers to people.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

MIN_SECRET_LENGTH = 32
_KEY_BYTES = 32
_GROUP_OR_OTHERS_READ_WRITE = stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH


class SecretError(RuntimeError):
    """The secret is missing, weak, or in an unsafe key file; the message says how to fix it."""


def respondent_key(secret: bytes, checkin_id: int, user_id: int) -> str:
    """The keyed hash under which one user's answers to one check-in are stored."""
    message = f"{checkin_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose (e.g. "comment-box"), so no two uses share the secret itself."""
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def default_key_file() -> Path:
    """Where the key file lives unless COREFLECT_KEY_FILE says otherwise: the user's
    configuration folder, apart from the data folder that holds the database."""
    config = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(config) if config else Path.home() / ".config") / "coreflect" / "secret.key"


def load_secret(env_secret: str | None, key_file: Path, *, may_create: bool = True) -> bytes:
    """The secret from COREFLECT_SECRET if set, else from the key file (created on first
    start, unless `may_create` is False: the database already holds answers under a key)."""
    if env_secret is not None:
        if len(env_secret) < MIN_SECRET_LENGTH:
            raise SecretError(
                f"COREFLECT_SECRET is {len(env_secret)} characters long; use at least "
                f"{MIN_SECRET_LENGTH} random characters (e.g. `python -c "
                "'import secrets; print(secrets.token_hex(32))'`)"
            )
        return env_secret.encode("utf-8")
    if not key_file.exists():
        if not may_create:
            raise SecretError(
                f"the key file {key_file} is missing, but the database already holds answers "
                "keyed with it. Restore the key file from your backup (or point "
                "COREFLECT_KEY_FILE at it) and start again. A new key is not made: with one, "
                "everyone could answer again and be counted twice"
            )
        _create_key_file(key_file)
    return _read_key_file(key_file)


def _read_key_file(key_file: Path) -> bytes:
    mode = key_file.stat().st_mode
    if not stat.S_ISREG(mode):
        raise SecretError(f"key file {key_file} is not a regular file")
    if mode & _GROUP_OR_OTHERS_READ_WRITE:
        raise SecretError(
            f"key file {key_file} is readable or writable by other users "
            f"(mode {stat.S_IMODE(mode):04o}); run `chmod 600 {key_file}` and start again"
        )
    text = key_file.read_text(encoding="ascii", errors="replace").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise SecretError(f"key file {key_file} does not hold hexadecimal text") from None
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretError(
            f"key file {key_file} holds {len(secret)} bytes; it needs at least "
            f"{MIN_SECRET_LENGTH} (delete it only if no answers have been stored yet)"
        )
    return secret


def _create_key_file(key_file: Path) -> None:
    """Write a new random key so the file appears complete and 0600, or not at all."""
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # link() refuses to replace an existing file: if another process won the race, its key
        # stays and we read that one.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _fsync_directory(key_file.parent)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def secret_fingerprint(secret: bytes) -> str:
    """A value stored in the database to recognise its secret, which it cannot reveal."""
    return hmac.new(secret, b"coreflect secret fingerprint v1", hashlib.sha256).hexdigest()
