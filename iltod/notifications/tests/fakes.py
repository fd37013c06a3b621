"""Real network servers on 127.0.0.1 that stand in for an SMTP relay and an SMS gateway.

Both count what they accepted by the message's id, so a test can tell "delivered exactly once"
from "delivered twice", and both can be told to refuse the next few messages.
"""

import email
import json
import socketserver
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from iltod.lib.local_server import LocalServer

# --- SMTP ------------------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough ESMTP for Django's SMTP backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        fake = self.server.fake
        self.reply("220 fake-smtp ESMTP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip()[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake-smtp\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                with fake.lock:
                    refuse = fake.refuse > 0
                    fake.refuse -= refuse
                self.reply("451 4.3.0 Mailbox busy, try again later" if refuse else "250 2.1.0 OK")
            elif verb == "RCPT" and fake.refused_address(line):
                self.reply("550 5.1.1 Recipient address rejected: mailbox unavailable")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                fake.record(self._read_data())
                self.reply("250 2.0.0 Queued")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            elif verb in {"HELO", "RCPT", "RSET", "NOOP"}:
                self.reply("250 2.0.0 OK")
            else:
                self.reply("502 5.5.2 Command not recognised")

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if line in {b".\r\n", b".\n", b""}:
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b"..") else line)


class FakeSmtpServer(LocalServer):
    def __init__(self):
        super().__init__(socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler))
        self.server.daemon_threads = True
        self.refuse = 0  # refuse this many messages with "451 try again later"
        self.unknown_mailboxes = set()  # recipients refused with "550 mailbox unavailable"
        self.messages = []  # email.message.Message, in the order accepted
        self.received = Counter()  # Message-ID → times accepted

    def refused_address(self, line: bytes) -> bool:
        address = line.decode("ascii", "replace").partition("<")[2].partition(">")[0]
        return address in self.unknown_mailboxes

    def record(self, data: bytes) -> None:
        message = email.message_from_bytes(data)
        with self.lock:
            self.messages.append(message)
            self.received[message["Message-ID"]] += 1


# --- SMS gateway -----------------------------------------------------------------------------


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        fake = self.server.fake
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with fake.lock:
            fake.requests.append({"headers": dict(self.headers), "body": body})
            status = fake.responses.pop(0) if fake.responses else 200
            if status == 200:
                fake.delivered[body["message_id"]] += 1
            number = len(fake.requests)
        if fake.delay:
            time.sleep(fake.delay)
        payload = json.dumps({"id": f"gw-{number}"} if status == 200 else {"error": "refused"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


class FakeSmsGateway(LocalServer):
    def __init__(self, delay: float = 0.0):
        super().__init__(ThreadingHTTPServer(("127.0.0.1", 0), _GatewayHandler))
        self.server.daemon_threads = True
        self.delay = delay  # seconds to think before answering (widens race windows)
        self.responses = []  # status codes for the next requests; 200 after they run out
        self.requests = []
        self.delivered = Counter()  # message_id → times accepted

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def answer_next(self, *statuses: int) -> None:
        with self.lock:
            self.responses.extend(statuses)
