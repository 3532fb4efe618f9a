"""A raw HTTP/2 client for hostile tests (frames built with hyperframe, headers with
hpack) and a bystander that keeps ordering packs while an attack runs."""
import importlib.util
import json
import socket
import threading
import time
from pathlib import Path

import httpx
from hpack import Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame, WindowUpdateFrame)

# The contract tests' conftest (MockProcess), loaded under its own name: this folder has
# a conftest.py too.
_spec = importlib.util.spec_from_file_location("contract_conftest", Path(__file__).resolve().parents[1] / "contract" / "conftest.py")
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
EDIT_TOKEN = "certpackmock-ssl-edit-000000000000000000"
ORDER_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order"
ORDER = {"type": "advanced", "hosts": ["example.com", "*.example.com"], "validation_method": "txt",
         "validity_days": 90, "certificate_authority": "lets_encrypt"}
# RFC 9113 §7 error codes.
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR = 0, 1, 2, 3
STREAM_CLOSED, FRAME_SIZE_ERROR, ENHANCE_YOUR_CALM = 5, 6, 11


def request_headers(method="GET", path="/__mock/health", extra=()):
    return [(":method", method), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1")] + list(extra)


class RawH2:
    """One TCP connection speaking HTTP/2 frame by frame."""

    def __init__(self, port, preface=PREFACE, settings=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.encoder = Encoder()
        self.buffer = b""
        self.frames = []
        self.closed = False
        if preface:
            self.send_bytes(preface + SettingsFrame(0, settings=settings or {}).serialize())

    def send_bytes(self, data):
        self.sock.sendall(data)

    def send(self, *frames):
        self.send_bytes(b"".join(f.serialize() for f in frames))

    def headers_frame(self, stream_id, headers, end_stream=True, end_headers=True):
        flags = (["END_STREAM"] if end_stream else []) + (["END_HEADERS"] if end_headers else [])
        return HeadersFrame(stream_id, data=self.encoder.encode(headers), flags=flags)

    def request(self, stream_id, method="GET", path="/__mock/health", body=None, extra=()):
        frames = [self.headers_frame(stream_id, request_headers(method, path, extra), end_stream=body is None)]
        if body is not None:
            frames.append(DataFrame(stream_id, data=body, flags=["END_STREAM"]))
        self.send(*frames)

    def read_frames(self, until, timeout=10.0):
        """Reads frames until `until(frames)` is true or the server closes; returns all frames read."""
        deadline = time.monotonic() + timeout
        while not until(self.frames) and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer in {timeout}s; frames so far: {summary(self.frames)[-10:]}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed = True
            self.buffer += chunk
            while len(self.buffer) >= 9:
                frame, length = Frame.parse_frame_header(memoryview(self.buffer[:9]))
                if len(self.buffer) < 9 + length:
                    break
                frame.parse_body(memoryview(self.buffer[9:9 + length]))
                self.buffer = self.buffer[9 + length:]
                self.frames.append(frame)
        return self.frames

    def goaway(self):
        return next((f for f in self.frames if isinstance(f, GoAwayFrame)), None)

    def wait_closed(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not self.closed:
            try:
                self.read_frames(lambda _: False, max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                break
        return self.closed

    def close(self):
        self.sock.close()


def summary(frames):
    return [f"{type(f).__name__}({f.stream_id})" for f in frames]


def status_of(frames, stream_id, decoder):
    for f in frames:
        if isinstance(f, HeadersFrame) and f.stream_id == stream_id:
            return dict(decoder.decode(f.data)).get(":status")
    return None


class Bystander:
    """Orders a pack and deletes it again (so the zone's quota never runs out), over
    HTTP/2 with httpx (the SDK's transport), in a thread while an attack runs; every
    exchange must succeed, each within `budget` seconds."""

    def __init__(self, port, budget=3.0):
        self.port, self.budget = port, budget
        self.latencies, self.failures = [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with httpx.Client(http1=False, http2=True, timeout=10) as client:
            while not self._stop.is_set():
                start = time.monotonic()
                try:
                    auth = {"Authorization": f"Bearer {EDIT_TOKEN}"}
                    r = client.post(f"http://127.0.0.1:{self.port}{ORDER_PATH}", content=json.dumps(ORDER),
                                    headers={**auth, "Content-Type": "application/json"})
                    if r.status_code != 200 or r.http_version != "HTTP/2":
                        self.failures.append((r.status_code, r.http_version, r.text[:200]))
                    else:
                        pack = r.json()["result"]["id"]
                        d = client.delete(f"http://127.0.0.1:{self.port}/client/v4/zones/{ZONE}/ssl/certificate_packs/{pack}", headers=auth)
                        if d.status_code != 200:
                            self.failures.append((d.status_code, d.text[:200]))
                except Exception as error:  # noqa: BLE001 - any failure is the finding
                    self.failures.append(repr(error))
                self.latencies.append(time.monotonic() - start)

    def __enter__(self):
        self._thread.start()
        # Served at least once before the attack starts.
        deadline = time.monotonic() + 10
        while not self.latencies and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(15)
        if exc[0] is None:
            assert not self.failures, f"bystander failed: {self.failures[:5]}"
            assert len(self.latencies) >= 2, "bystander made no progress during the attack"
            assert max(self.latencies) < self.budget, f"bystander waited {max(self.latencies):.2f}s"
        return False
