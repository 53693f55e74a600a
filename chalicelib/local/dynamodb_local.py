"""DynamoDB Local, AWS's own emulator, fetched once and run as a child process.

Locally and in tests Tidings talks to the real DynamoDB API over HTTP rather than to a fake, so
conditional writes, GSIs and pagination behave as they will in AWS. The emulator (a Java 17 jar)
is taken from the npm package `amplify-dynamodb-simulator`, pinned by version and checksum, and
cached under the local home directory (`.tidings/` by default).
"""

from __future__ import annotations

import atexit
import hashlib
import http.client
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath
from types import TracebackType

from chalicelib.errors import TidingsError
from chalicelib.local.ports import LOCALHOST, free_port, port_is_free

VERSION = "2.9.30"
NPM_PACKAGE = f"amplify-dynamodb-simulator@{VERSION}"
TARBALL_SHA256 = "3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9"
JAR = "DynamoDBLocal.jar"
LIB_DIR = "DynamoDBLocal_lib"
LOG_NAME = "dynamodb-local.log"

JAVA_HINT = (
    "DynamoDB Local needs Java 17: install a JDK (e.g. apt-get install openjdk-17-jre-headless)"
)
NPM_HINT = "Installing DynamoDB Local needs npm: install Node.js (e.g. apt-get install npm)"

_EMULATOR_PREFIX = ("package", "emulator")
_NPM_TIMEOUT_S = 900.0
_STOP_TIMEOUT_S = 10.0
_TAIL_LINES = 15


class LocalServiceError(TidingsError):
    """A local service could not be installed or started; the message says what to do."""


def emulator_dir(home: Path) -> Path:
    """Where this version's emulator lives: versioned, so an upgrade never mixes two jars."""
    return home / "dynamodb-local" / VERSION


def ensure_installed(home: Path) -> Path:
    """Return the emulator dir (holding the jar and its libs), downloading it the first time.

    The install is atomic: everything is unpacked into a temporary sibling directory and renamed
    into place, so an interrupted download never leaves a half-installed emulator behind.
    """
    target = emulator_dir(home)
    if (target / JAR).is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise LocalServiceError(NPM_HINT)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"Downloading DynamoDB Local {VERSION} (~56 MB, only once) into {target} ...",
        file=sys.stderr,
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix=f".{VERSION}-", dir=target.parent) as scratch:
        tarball = _npm_pack(npm, Path(scratch) / "pack")
        verify_sha256(tarball, TARBALL_SHA256)
        staging = Path(scratch) / "emulator"
        extract_emulator(tarball, staging)
        if not (staging / JAR).is_file():
            raise LocalServiceError(f"{NPM_PACKAGE} has no emulator/{JAR}: refusing to install it")
        _publish(staging, target)
    return target


def _npm_pack(npm: str, workdir: Path) -> Path:
    """Fetch the package tarball without installing it (its JavaScript side is not needed)."""
    workdir.mkdir(parents=True)
    try:
        result = subprocess.run(
            [npm, "pack", NPM_PACKAGE, "--silent"],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_NPM_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as error:
        raise LocalServiceError(NPM_HINT) from error
    except subprocess.TimeoutExpired as error:
        raise LocalServiceError(f"npm pack {NPM_PACKAGE} timed out") from error
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"exit code {result.returncode}"
        raise LocalServiceError(f"npm pack {NPM_PACKAGE} failed: {detail}")
    tarballs = sorted(workdir.glob("*.tgz"))
    if len(tarballs) != 1:
        raise LocalServiceError(f"npm pack {NPM_PACKAGE} produced {len(tarballs)} tarballs, not 1")
    return tarballs[0]


def verify_sha256(path: Path, expected: str) -> None:
    """Refuse a download that is not byte-for-byte the one that was reviewed and pinned."""
    with path.open("rb") as stream:
        actual = hashlib.file_digest(stream, "sha256").hexdigest()
    if actual != expected:
        raise LocalServiceError(
            f"{path.name} has SHA-256 {actual}, expected {expected}: refusing to install it"
        )


def _emulator_member_path(name: str) -> PurePosixPath | None:
    """The path of a tar member inside `package/emulator/`, or None when it must be ignored."""
    path = PurePosixPath(name)
    parts = path.parts
    if path.is_absolute() or ".." in parts or "\\" in name:
        return None
    if len(parts) <= len(_EMULATOR_PREFIX) or parts[: len(_EMULATOR_PREFIX)] != _EMULATOR_PREFIX:
        return None
    return PurePosixPath(*parts[len(_EMULATOR_PREFIX) :])


def extract_emulator(tarball: Path, dest: Path) -> list[PurePosixPath]:
    """Unpack only the regular files under `package/emulator/` into `dest`; return their paths.

    Anything else (the package's JavaScript, absolute or `..` paths, links, devices) is skipped,
    so a tampered tarball cannot write outside `dest` even before its checksum is considered.
    """
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    extracted: list[PurePosixPath] = []
    with tarfile.open(tarball, "r:*") as archive:
        for member in archive:
            relative = _emulator_member_path(member.name)
            if relative is None or not (member.isfile() or member.isdir()):
                continue
            target = root.joinpath(*relative.parts)
            if not target.resolve().is_relative_to(root):
                continue
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            source = archive.extractfile(member)
            if source is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            target.chmod(0o644 | (member.mode & 0o111))
            extracted.append(relative)
    return extracted


def _publish(staging: Path, target: Path) -> None:
    """Move a complete emulator into place in one rename, tolerating a concurrent installer."""
    if target.exists() and not (target / JAR).is_file():
        shutil.rmtree(target)  # Not ours and not usable: only a hand-edited home gets here.
    try:
        staging.rename(target)
    except OSError:
        if not (target / JAR).is_file():
            raise
        # Another process finished the same install first; its copy is identical.


class DynamoDBLocal:
    """A running DynamoDB Local, stopped by `stop()`, by leaving a `with` block, or at exit."""

    def __init__(
        self, process: subprocess.Popen[bytes], port: int, log_path: Path, log_offset: int = 0
    ) -> None:
        self._process = process
        self.port = port
        self.log_path = log_path
        self._log_offset = log_offset  # Where this run's output starts in the shared log.

    @property
    def endpoint(self) -> str:
        """What to pass as `endpoint_url` (boto3) or `host` (PynamoDB)."""
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    @classmethod
    def start(
        cls,
        home: Path,
        *,
        port: int | None = None,
        db_path: Path | None = None,
        timeout: float = 30.0,
    ) -> DynamoDBLocal:
        """Install if needed, launch, and return once the emulator answers HTTP requests.

        In memory by default (tests: nothing to clean up); with `db_path`, data is kept there
        between runs. A port is picked when none is given, retrying if another process grabs it
        between the pick and the launch.
        """
        home = home.resolve()  # The JVM runs in the emulator dir; relative paths would break.
        emulator = ensure_installed(home)
        java = shutil.which("java")
        if java is None:
            raise LocalServiceError(JAVA_HINT)
        if port is not None and not port_is_free(port):
            raise LocalServiceError(f"DynamoDB Local cannot use port {port}: it is already in use")
        logs = home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        attempts = 1 if port is not None else 3
        for attempt in range(attempts):
            try:
                return cls._launch(
                    java=java,
                    emulator=emulator,
                    port=port or free_port(),
                    db_path=db_path,
                    log_path=logs / LOG_NAME,
                    timeout=timeout,
                )
            except _PortTakenError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @classmethod
    def _launch(
        cls,
        *,
        java: str,
        emulator: Path,
        port: int,
        db_path: Path | None,
        log_path: Path,
        timeout: float,
    ) -> DynamoDBLocal:
        command = [
            java,
            f"-Djava.library.path={emulator / LIB_DIR}",
            "-jar",
            str(emulator / JAR),
            "-port",
            str(port),
            "-disableTelemetry",  # Nothing local or in tests may reach the internet.
        ]
        if db_path is None:
            # -sharedDb: one database whatever the credentials and region, like -dbPath below.
            command += ["-inMemory", "-sharedDb"]
        else:
            db_path = db_path.resolve()
            db_path.mkdir(parents=True, exist_ok=True)
            command += ["-sharedDb", "-dbPath", str(db_path)]
        with log_path.open("ab") as log:
            started = time.strftime("%Y-%m-%d %H:%M:%S")
            log.write(f"--- {started} DynamoDB Local {VERSION} on port {port}\n".encode())
            log.flush()
            log_offset = log.tell()
            try:
                # Own session: Ctrl-C goes to the parent alone, which then calls stop().
                process = subprocess.Popen(
                    command,
                    cwd=emulator,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except FileNotFoundError as error:
                raise LocalServiceError(JAVA_HINT) from error
        service = cls(process, port, log_path, log_offset)
        atexit.register(service.stop)
        try:
            service._wait_until_ready(timeout)
        except BaseException:
            service.stop()
            raise
        return service

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            code = self._process.poll()
            if code is not None:
                tail = self._log_tail()
                hint = f"{JAVA_HINT}. " if "UnsupportedClassVersionError" in tail else ""
                error = _PortTakenError if "Address already in use" in tail else LocalServiceError
                raise error(
                    f"{hint}DynamoDB Local exited with code {code} before answering on port "
                    f"{self.port}; last output (full log: {self.log_path}):\n{tail}"
                )
            if _answers(self.port):
                return
            if time.monotonic() > deadline:
                raise LocalServiceError(
                    f"DynamoDB Local did not answer on {self.endpoint} within {timeout:.0f}s; "
                    f"see {self.log_path}"
                )
            time.sleep(0.1)

    def _log_tail(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            lines = log.read().decode("utf-8", "replace").strip().splitlines()
        return "\n".join(f"  {line}" for line in lines[-_TAIL_LINES:]) or "  (no output)"

    def stop(self) -> None:
        """Terminate the emulator, killing it if it has not exited in time. Idempotent."""
        atexit.unregister(self.stop)
        if self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> DynamoDBLocal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"DynamoDBLocal({self.endpoint}, pid={self._process.pid}, {state})"


class _PortTakenError(LocalServiceError):
    """The picked port was taken between choosing it and the JVM binding it: pick another."""


def _answers(port: int) -> bool:
    """Whether something speaks HTTP on the port: any response, even a 400, means ready."""
    connection = http.client.HTTPConnection(LOCALHOST, port, timeout=1.0)
    try:
        connection.request(
            "POST",
            "/",
            body=b"{}",
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810.ListTables",
            },
        )
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True
