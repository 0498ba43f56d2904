"""The server secret: from the environment, or a 0600 key file created on first start."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.keys import SecretError, derive_key, load_secret, respondent_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_environment_secret_wins_and_no_file_is_written(tmp_path: Path) -> None:
    key_file = tmp_path / "bot.key"
    secret = load_secret("x" * 40, key_file)
    assert secret == b"x" * 40
    assert not key_file.exists()


@pytest.mark.parametrize("short", ["", "abc", "y" * 31])
def test_a_short_environment_secret_is_refused(tmp_path: Path, short: str) -> None:
    with pytest.raises(SecretError, match="COREFLECT_SECRET"):
        load_secret(short, tmp_path / "bot.key")


def test_the_key_file_is_created_0600_on_first_start_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "bot.key"

    first = load_secret(None, key_file)

    assert _mode(key_file) == 0o600
    assert len(first) == 32
    assert bytes.fromhex(key_file.read_text().strip()) == first
    assert load_secret(None, key_file) == first
    assert [p.name for p in key_file.parent.iterdir()] == ["bot.key"]  # no temporary left


def test_the_key_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_secret(None, tmp_path / "bot.key")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "bot.key") == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602])
def test_a_key_file_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    key_file = tmp_path / "bot.key"
    load_secret(None, key_file)
    key_file.chmod(mode)

    with pytest.raises(SecretError, match="chmod 600") as refused:
        load_secret(None, key_file)
    assert str(key_file) in str(refused.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "holds 0 bytes"), ("ab" * 16, "holds 16 bytes"), ("not hex at all", "hexadecimal")],
)
def test_a_bad_key_file_is_refused(tmp_path: Path, content: str, reason: str) -> None:
    key_file = tmp_path / "bot.key"
    key_file.write_text(content)
    key_file.chmod(0o600)

    with pytest.raises(SecretError, match=reason) as refused:
        load_secret(None, key_file)
    assert str(key_file) in str(refused.value)


def test_respondent_key_is_an_hmac_of_checkin_and_user() -> None:
    secret = bytes(range(32))
    key = respondent_key(secret, 7, 733456789012345603)

    assert len(key) == 64 and int(key, 16) >= 0
    assert key == respondent_key(secret, 7, 733456789012345603)
    assert key != respondent_key(secret, 8, 733456789012345603)
    assert key != respondent_key(secret, 7, 733456789012345604)
    assert key != respondent_key(bytes(32), 7, 733456789012345603)
    # Pinned, so the hash cannot change silently and orphan every stored answer.
    assert key == "bf6425bdcbc452459c13d9a3f392fbf69c9b063c9ac48057ca40bd37841bc5c8"


def test_each_purpose_gets_its_own_stable_key() -> None:
    secret = b"s" * 32
    box = derive_key(secret, "comment-box")
    assert box == derive_key(secret, "comment-box") and len(box) == 32
    assert box != derive_key(secret, "something-else")
    assert box != derive_key(b"t" * 32, "comment-box")
    assert secret not in box
