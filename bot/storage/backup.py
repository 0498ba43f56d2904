"""`coreflect backup DIR`: a consistent copy of the live database, and apart from it the key.

The database is copied with `VACUUM INTO` over an ordinary connection, so it is safe while
the bot runs: SQLite's write-ahead log lets the copy read one consistent state while the bot
goes on writing. Every copy is owner-only: folders 0700, files 0600.

Layout, for a backup taken at 2026-12-01 23:30:00 UTC:

    DIR/coreflect-20261201T233000Z/coreflect.sqlite3        the database
    KEYDIR/coreflect-key-20261201T233000Z/secret.key         with --key-dir KEYDIR
    DIR/coreflect-20261201T233000Z-key/secret.key            with --with-key

The key is never put in the database copy's folder, so that folder, like the data folder,
can be handed around without the key that links answers to people. `--key-dir` must be
outside DIR; `--with-key` (for a medium trusted as a whole, such as an encrypted disk) puts
the key in a sibling folder inside DIR.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.keys import SecretError, load_secret, secret_fingerprint
from bot.storage.errors import StorageError
from bot.storage.migrate import new_owner_only_file, remove_file
from bot.storage.store import BUSY_TIMEOUT_MS, OWNER_ONLY_FILE, OWNER_ONLY_FOLDER


class BackupError(StorageError):
    """The backup could not be made; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    database: Path
    key: Path | None
    key_matches: bool | None  # whether the key copied is the one the database was keyed with


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _new_folder(path: Path) -> Path:
    """A new owner-only folder; refused if it exists already."""
    try:
        path.mkdir(mode=OWNER_ONLY_FOLDER)
    except FileExistsError:
        raise BackupError(f"{path} exists already; wait a second and try again") from None
    path.chmod(OWNER_ONLY_FOLDER)  # mkdir's mode is masked by the umask
    return path


def copy_live_database(source: Path, target: Path) -> None:
    """A consistent copy of the database at `source` (the bot may be running) into the new
    owner-only file `target`, checked before it is kept."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source} (COREFLECT_DB)")
    new_owner_only_file(target)
    try:
        # mode=rw: never create a database where none is.
        uri = source.resolve().as_uri() + "?mode=rw"
        with contextlib.closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as db:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            db.execute("VACUUM INTO ?", (str(target),))
        with contextlib.closing(sqlite3.connect(target)) as copy:
            verdict = copy.execute("PRAGMA quick_check").fetchone()
        if verdict is None or verdict[0] != "ok":
            raise BackupError(f"the copy {target} failed SQLite's check: {verdict}")
        target.chmod(OWNER_ONLY_FILE)
    except sqlite3.Error as error:
        remove_file(target)
        raise BackupError(f"could not copy the database {source}: {error}") from error
    except BaseException:
        remove_file(target)
        raise


def _fingerprint(database: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(database)) as db:
        try:
            row = db.execute(
                "SELECT value FROM store_meta WHERE name = 'secret_fingerprint'"
            ).fetchone()
        except sqlite3.Error:
            return None
    return str(row[0]) if row else None


def backup(
    database: Path,
    key_file: Path | None,
    folder: Path,
    *,
    key_folder: Path | None = None,
    with_key: bool = False,
    now: datetime | None = None,
) -> BackupResult:
    """Copy the database into a new folder inside `folder`, and the key file (if given and
    asked for) into a new folder inside `key_folder`, or beside the database copy's folder
    with `with_key`. Blocking."""
    if key_folder is not None and with_key:
        raise BackupError("use either --key-dir or --with-key, not both")
    if key_folder is not None and (_inside(key_folder, folder) or _inside(folder, key_folder)):
        raise BackupError(
            f"--key-dir {key_folder} is inside {folder} (or holds it): a copy of the backup "
            "folder would carry the key. Choose a folder elsewhere, or use --with-key"
        )
    if key_folder is not None and _inside(key_folder, database.parent):
        raise BackupError(
            f"--key-dir {key_folder} is inside the data folder {database.parent}: a copy of "
            "the data folder would carry the key. Choose a folder elsewhere"
        )
    if _inside(folder, database.parent):
        raise BackupError(
            f"{folder} is inside the data folder {database.parent}; back up somewhere else"
        )
    stamp = _stamp(now or datetime.now(UTC))
    folder.mkdir(parents=True, exist_ok=True)
    target_folder = _new_folder(folder / f"coreflect-{stamp}")
    copy = target_folder / database.name
    try:
        copy_live_database(database, copy)
    except BaseException:
        shutil.rmtree(target_folder, ignore_errors=True)
        raise
    if key_folder is None and not with_key:
        return BackupResult(copy, None, None)
    if key_file is None or not key_file.is_file():
        raise BackupError(
            f"the database was copied to {copy}, but there is no key file at {key_file} to "
            "copy (with COREFLECT_SECRET set, keep that secret safe yourself)"
        )
    if key_folder is not None:
        key_folder.mkdir(parents=True, exist_ok=True)
        key_target_folder = _new_folder(key_folder / f"coreflect-key-{stamp}")
    else:
        key_target_folder = _new_folder(folder / f"coreflect-{stamp}-key")
    key_copy = key_target_folder / key_file.name
    try:
        secret = load_secret(None, key_file, may_create=False)
    except SecretError as error:
        raise BackupError(f"the database was copied to {copy}, but not the key: {error}") from None
    new_owner_only_file(key_copy)
    key_copy.write_bytes(key_file.read_bytes())
    stored = _fingerprint(copy)
    matches = None if stored is None else stored == secret_fingerprint(secret)
    return BackupResult(copy, key_copy, matches)


def command(
    database: Path,
    key_file: Path | None,
    folder: Path,
    *,
    key_folder: Path | None = None,
    with_key: bool = False,
) -> int:
    """`coreflect backup`: make the backup and say what was copied where (exit status)."""
    try:
        made = backup(database, key_file, folder, key_folder=key_folder, with_key=with_key)
    except (BackupError, OSError) as error:
        print(f"backup failed: {error}")
        return 2
    print(f"database copied to {made.database}")
    if made.key is not None:
        print(f"key file copied to {made.key}")
        if made.key_matches is False:
            print("warning: this key is not the one the database was keyed with")
    elif key_file is None:
        print("the secret comes from COREFLECT_SECRET: keep a copy of it apart from this backup")
    else:
        print(
            f"the key file {key_file} was not copied: keep a copy of it apart from this backup "
            "(--key-dir KEYDIR copies it to a folder elsewhere)"
        )
    return 0
