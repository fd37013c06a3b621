"""Real network servers of the tests, on 127.0.0.1: the stand-ins for what is outside the machine
(an SMTP relay, an SMS gateway, a KoBoToolbox server) share how they are started and stopped.
It imports nothing of Django, so the fault tests can use it before Django is set up."""

import threading


class LocalServer:
    """A ``socketserver`` server on 127.0.0.1 served from a thread while the ``with`` block lasts.
    The handlers reach this object as ``self.server.fake`` and guard what they record with ``lock``."""

    def __init__(self, server):
        self.server = server
        self.server.fake = self
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        return False
