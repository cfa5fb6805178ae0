"""The service as the lanes meet it: `offers serve` in its own process group on a free
loopback port, for the fault, concurrency and benchmark runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

STARTUP_SECONDS = 30.0


@dataclass
class Service:
    """A running `offers serve`: its address and process (the leader of its group)."""

    url: str
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """kill -9 the service and every process it started, at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(ledger: Path, port: int, workers: int = 1) -> Service:
    """Start `offers serve` on the ledger and wait until /health answers."""
    command = [sys.executable, "-m", "offers", "serve", "--port", str(port),
               "--workers", str(workers), "--ledger", str(ledger)]  # fmt: skip
    log = ledger.with_name(f"serve-{port}.log")
    with log.open("ab") as sink:  # the child keeps its own copy of the handle
        process = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=sink
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"offers serve exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return Service(url, process)
        except httpx.TransportError:
            time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"offers serve did not answer within {STARTUP_SECONDS} s")


@contextmanager
def serving(ledger: Path, workers: int = 1, port: int | None = None) -> Iterator[Service]:
    """A service for the block; killed after it, even on error."""
    service = start(ledger, port or free_port(), workers)
    try:
        yield service
    finally:
        if service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
            try:
                service.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                service.kill()
