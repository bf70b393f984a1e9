"""A private ``redis-server`` on loopback, for the distributed demo, its tests and benchmarks.

Not for production (there Redis is yours to run): it starts the Debian ``redis-server`` binary on
a free 127.0.0.1 port, without persistence unless asked, with ``noeviction`` (see
:mod:`newsbot.distributed.connection`), and can be killed and restarted on the same port to
play an outage.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RedisServer:
    def __init__(self, workdir: Path, password: str | None = None, port: int | None = None,
                 extra: tuple[str, ...] = (), tls: tuple[Path, Path, Path] | None = None):
        """``tls``: (CA, certificate, key) files to serve TLS only, on ``port``."""
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install -y "
                               "redis-server)")
        self.binary = binary
        self.workdir = workdir
        self.password = password
        self.port = port or free_port()
        self.extra = extra
        self.tls = tls
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        if self.tls:
            return f"rediss://{auth}127.0.0.1:{self.port}/0?ssl_ca_certs={self.tls[0]}"
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        ports = ["--port", str(self.port)]
        if self.tls:
            ca, cert, key = self.tls
            ports = ["--port", "0", "--tls-port", str(self.port), "--tls-ca-cert-file", str(ca),
                     "--tls-cert-file", str(cert), "--tls-key-file", str(key),
                     "--tls-auth-clients", "no"]
        args = [self.binary, *ports, "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--maxmemory-policy", "noeviction", "--dir",
                str(self.workdir), "--logfile", str(self.workdir / "redis.log")]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen([*args, *self.extra], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}; see "
                                   f"{self.workdir / 'redis.log'}")
            try:  # listening is enough: Redis accepts connections once it has loaded
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing saved."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def redis_server(workdir: Path, password: str | None = None,
                 extra: tuple[str, ...] = ()) -> Iterator[RedisServer]:
    server = RedisServer(workdir, password, extra=extra).start()
    try:
        yield server
    finally:
        server.stop()
