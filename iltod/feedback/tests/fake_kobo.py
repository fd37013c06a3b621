"""A KoBoToolbox server on 127.0.0.1 that serves the files of submissions: each path answers with
the responses it was given, in order (the last one again and again), and every request is kept
with its Authorization header, so a test can tell what was asked, how often, and with which token."""

import io
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

from iltod.lib.local_server import LocalServer

GPS_INFO = 34853  # the EXIF tag that holds the phone's position


def jpeg_with_position() -> bytes:
    """A phone's photo: a JPEG whose EXIF names the camera and where it was taken."""
    image = Image.new("RGB", (64, 48), "blue")
    exif = Image.Exif()
    exif[271] = "FieldPhone"  # camera make
    exif[GPS_INFO] = {1: "N", 2: (47.0, 55.0, 12.0), 3: "E", 4: (106.0, 55.0, 3.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0  # seconds of silence before answering


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        fake = self.server.fake
        path = self.path.split("?", 1)[0]
        with fake.lock:
            fake.requests.append((path, self.headers.get("Authorization", "")))
            queue = fake.routes.get(path)
            answer = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Answer(404, b"Not found")
        time.sleep(answer.delay)
        self.send_response(answer.status)
        headers = {"Content-Type": "image/jpeg", "Content-Length": str(len(answer.body)), **answer.headers}
        for name, value in headers.items():
            if value is not None:  # None leaves a header out (a body of unknown length)
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, *args):
        pass


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that stops reading a body too large for it breaks the pipe: expected


class FakeKobo(LocalServer):
    def __init__(self):
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, str]] = []
        super().__init__(_HttpServer(("127.0.0.1", 0), _Handler))

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def serve(self, path: str, *answers: Answer) -> str:
        """Answer ``path`` with ``answers`` in order; returns the file's URL."""
        self.routes[path] = list(answers)
        return self.url(path)

    def asked(self, path: str) -> int:
        return sum(1 for asked, _token in self.requests if asked == path)
