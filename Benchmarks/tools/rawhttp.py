"""Minimal HTTP/1.1 client over one keep-alive socket (benchmark helper only).

Requests are written as raw bytes; responses are framed by Content-Length,
which both the mock and nginx always send for these routes.
"""
import socket

ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
TOKEN = "certpackmock-ssl-edit-000000000000000000"
ORDER_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/order"
QUOTA_PATH = f"/client/v4/zones/{ZONE}/ssl/certificate_packs/quota"
SEED_HOSTS = ["example.com", "*.example.com"]
THREE_HOSTS = ["example.com", "*.example.com", "www.example.com"]


def order_body(hosts):
    quoted = ",".join(f'"{h}"' for h in hosts)
    return ('{"type":"advanced","hosts":[' + quoted + '],"validation_method":"txt",'
            '"validity_days":90,"certificate_authority":"lets_encrypt"}').encode()


def request_bytes(method, path, body=b"", token=TOKEN):
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


class Connection:
    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def read_response(self):
        """Returns (status, body) of the next response on the connection."""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(rest) < length:
            self.buf = rest
            self._fill()
            rest = self.buf
        self.buf = rest[length:]
        return status, rest[:length]

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def close(self):
        self.sock.close()
