"""Real network faults between the app and a real server, for in-process tests.

``CuttableProxy`` forwards TCP to a real server (the test Redis) and can be cut
and restored: while cut it drops every connection, as a network partition or a
firewall would, while the server keeps its data. ``SilentServer`` accepts
connections and never answers, like a hung Redis. Neither mocks anything: the
app's real client talks to them over real sockets.
"""

import contextlib
import select
import socket
import threading


def _listen():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    return listener


class CuttableProxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = _listen()
        self.port = self.listener.getsockname()[1]
        self.cut_off = threading.Event()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.open_sockets = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open_sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        pair = {client: upstream, upstream: client}
        try:
            while not self.cut_off.is_set() and not self.stopped.is_set():
                readable, _, _ = select.select(list(pair), [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except OSError:
            return
        finally:
            self._close(client, upstream)

    def _close(self, *sockets):
        with self.lock:
            for sock in sockets:
                self.open_sockets.discard(sock)
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self):
        """Drop every open connection and refuse new ones; the server keeps its data."""
        self.cut_off.set()
        with self.lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._close(*sockets)

    def restore(self):
        self.cut_off.clear()

    def stop(self):
        self.stopped.set()
        self.cut()
        self.listener.close()


class SilentServer:
    """Accepts TCP connections and never answers; counts the connections."""

    def __init__(self):
        self.listener = _listen()
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(client)

    def stop(self):
        self.listener.close()
        for client in self.connections:
            client.close()


def unused_port():
    """A port where nothing listens (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
