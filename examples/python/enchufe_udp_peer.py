#!/usr/bin/env python3
"""An enchufe peer over UDP, with nothing but Python's standard library.

    python3 enchufe_udp_peer.py udp://HOST:PORT   # a server doing io.listen("udp://HOST:PORT")

The frames are those of the stream peer (enchufe_peer.py): a u32 BE length, a
kind byte (0: an Engine.IO packet as UTF-8 text, 1: a binary attachment), the
payload. Over UDP they travel in datagrams (docs/protocol.md, "Datagrams"):

    client -> server:  [sid length: u8][sid, ASCII][frame][frame]...
    server -> client:  [frame][frame]...

A datagram holds one Engine.IO packet, or one Socket.IO packet with its
attachments. UDP may lose, duplicate or reorder any datagram, so this peer
retries what it cannot do without (the open request, the CONNECT) and reports
what did not come (an ack) after a timeout rather than waiting forever.
"""
import json
import socket
import struct
import sys
import time

TEXT, BINARY = 0, 1
OPEN_REQUEST = bytes(256)  # sid length 0, zero-padded: the server never answers with more than this


def first_text(datagram):
    """The text of a datagram's first text frame (its packet; attachments follow it), or None."""
    offset = 0
    while offset + 5 <= len(datagram):
        length, kind = struct.unpack_from(">IB", datagram, offset)
        offset += 5
        if kind == TEXT:
            return datagram[offset : offset + length].decode("utf-8")
        offset += length
    return None


class UdpPeer:
    def __init__(self, host, port):
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.connect(address)  # a connected socket drops datagrams from anyone but the server
        self.sid = b""  # the Engine.IO session id, once opened
        self.opened = None  # the server's open packet
        self.max_payload = 1200  # the largest datagram the server takes, until "open" says
        self.events = []  # (name, args) received while waiting for something else
        self.acks = {}  # ack id -> args, likewise
        self.next_ack_id = 1

    def send(self, text):
        """Sends one Engine.IO packet, as one text frame, in a datagram naming the session."""
        payload = text.encode("utf-8")
        datagram = bytes([len(self.sid)]) + self.sid + struct.pack(">IB", len(payload), TEXT) + payload
        if len(datagram) > self.max_payload:
            raise ValueError(f"{len(datagram)} bytes: more than the server's {self.max_payload}")
        self.sock.send(datagram)

    def next_packet(self, deadline):
        """The next packet's text, or None once time.monotonic() passes deadline. Answers pings."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                text = first_text(self.sock.recv(65535))
            except socket.timeout:
                return None
            if text == "2":
                self.send("3")  # ping -> pong (a lost pong is fine: the server pings again)
            elif text == "1":
                raise ConnectionError("the server closed the session")
            elif text is not None:
                return text

    def file_away(self, text):
        """Keeps an event ("42...") or an ack ("43<id>[...]") for later; ignores the rest
        (say, a repeated "40{...}" answering a CONNECT sent twice)."""
        if text.startswith("42"):
            # Digits before the "[" are an ack id the server wants answered: this peer answers none.
            name, *args = json.loads(text[2:].lstrip("0123456789"))
            self.events.append((name, args))
        elif text.startswith("43"):
            body = text[2:].lstrip("0123456789")
            self.acks[int(text[2 : len(text) - len(body)])] = json.loads(body)

    def connect(self, auth=None, timeout=5.0):
        """Opens a session and joins "/"; returns the socket id. Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        # 1. The open request, sent again after 250 ms, 500 ms, then every second.
        retry = 0.25
        while self.opened is None:
            if time.monotonic() >= deadline:
                raise TimeoutError("no answer to the open request")
            self.sock.send(OPEN_REQUEST)
            text = self.next_packet(min(deadline, time.monotonic() + retry))
            if text is not None and text.startswith("0"):
                self.opened = json.loads(text[1:])  # {"sid":…,"pingInterval":…,"maxPayload":…}
            retry = min(retry * 2, 1.0)
        self.sid = self.opened["sid"].encode("ascii")
        self.max_payload = self.opened["maxPayload"]
        # 2. Prove we own our address: until then, the server sends us nothing else.
        self.send("6")  # noop (if it is lost, the CONNECT below proves it as well)
        # 3. CONNECT to "/", sent again every 500 ms until answered.
        while True:
            if time.monotonic() >= deadline:
                raise TimeoutError('no answer to CONNECT "/"')
            self.send("40" + (json.dumps(auth) if auth else ""))
            resend_at = min(deadline, time.monotonic() + 0.5)
            while (text := self.next_packet(resend_at)) is not None:
                if text.startswith("40"):
                    return json.loads(text[2:])["sid"]
                if text.startswith("44"):  # CONNECT_ERROR: refused by a middleware
                    raise ConnectionRefusedError(json.loads(text[2:]).get("message"))
                self.file_away(text)

    def emit(self, name, *args):
        """Sends an event, at most once: it may be lost."""
        self.send("42" + json.dumps([name, *args]))

    def emit_with_ack(self, name, *args, timeout=2.0):
        """Sends an event with an ack id; returns the ack's args, or raises TimeoutError if
        the event or its ack was lost (nothing is resent: the server could see it twice)."""
        ack_id, self.next_ack_id = self.next_ack_id, self.next_ack_id + 1
        self.send(f"42{ack_id}" + json.dumps([name, *args]))
        deadline = time.monotonic() + timeout
        while ack_id not in self.acks:
            text = self.next_packet(deadline)
            if text is None:
                raise TimeoutError(f"no ack for {name!r} within {timeout} s")
            self.file_away(text)
        return self.acks.pop(ack_id)

    def receive(self, timeout=10.0):
        """The next event as (name, args); raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while not self.events:
            text = self.next_packet(deadline)
            if text is None:
                raise TimeoutError(f"no event within {timeout} s")
            self.file_away(text)
        return self.events.pop(0)

    def close(self):
        """Leaves "/" (41) and closes the session (1). If these are lost, the server's heartbeat ends it."""
        self.send("41")
        self.send("1")
        self.sock.close()


def main(url):
    if not url.startswith("udp://"):
        print("usage: enchufe_udp_peer.py udp://HOST:PORT", file=sys.stderr)
        return 2
    host, _, port = url[len("udp://") :].rstrip("/").rpartition(":")
    peer = UdpPeer(host.strip("[]"), int(port))  # "[::1]" -> "::1"
    try:
        sid = peer.connect({"name": "python"})  # CONNECT to "/" with auth
    except (ConnectionRefusedError, TimeoutError) as error:  # 44{"message":...}, or no server
        print("refused:" if isinstance(error, ConnectionRefusedError) else "timeout:", error)
        peer.sock.close()
        return 1
    print("open: pingInterval", peer.opened["pingInterval"], "maxPayload", peer.opened["maxPayload"])
    print("joined as", sid)

    try:
        print("ack:", json.dumps(peer.emit_with_ack("hello", "from python")))
        while True:  # skip other events until the broadcast
            name, args = peer.receive()
            if name == "news":
                print("news:", json.dumps(args))
                break
    except TimeoutError as error:
        print("timeout:", error)
        return 1
    finally:
        peer.close()
    print("bye")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
