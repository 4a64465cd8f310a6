#!/usr/bin/env python3
"""An enchufe peer over raw TCP, with nothing but Python's standard library.

    python3 enchufe_peer.py HOST PORT     # a server doing io.listen("tcp://HOST:PORT")

Every packet travels in a frame (docs/protocol.md):

    +----------------+----------+------------------------+
    | length: u32 BE | kind: u8 | payload (length bytes) |
    +----------------+----------+------------------------+

Kind 0: the payload is one Engine.IO packet, as UTF-8 text: "0{...}" open,
"2" ping, "3" pong, "4..." message. Kind 1: the bytes of a binary attachment.
An Engine.IO message carries a Socket.IO packet, exactly as over WebSocket:
"40" CONNECT, "41" DISCONNECT, "42" EVENT, "43" ACK, "44" CONNECT_ERROR, then
an optional ack id and the JSON data: '421["hello","x"]' is event "hello" with
ack id 1, answered by '431[...]'.

The session: the server speaks first (open), we join "/" with an auth object,
then both sides send events; the server pings every pingInterval and closes the
connection if our pong does not come within pingTimeout.
"""
import json
import socket
import struct
import sys

TEXT, BINARY = 0, 1


def send(sock, text):
    """Sends one Engine.IO packet as a text frame."""
    payload = text.encode("utf-8")
    sock.sendall(struct.pack(">IB", len(payload), TEXT) + payload)


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    return data


def receive(sock):
    """The next frame (text as str, binary as bytes); pings are answered on the way."""
    while True:
        length, kind = struct.unpack(">IB", read_exactly(sock, 5))
        payload = read_exactly(sock, length)
        if kind == BINARY:
            return payload
        text = payload.decode("utf-8")
        if text == "2":
            send(sock, "3")  # ping -> pong
            continue
        return text


def main(host, port):
    with socket.create_connection((host, port), timeout=10) as sock:
        opened = json.loads(receive(sock)[1:])  # "0{...}": the server speaks first
        print("open: pingInterval", opened["pingInterval"], "upgrades", opened["upgrades"])

        send(sock, "40" + json.dumps({"name": "python"}))  # CONNECT to "/" with auth
        answer = receive(sock)
        if not answer.startswith("40"):
            print("refused:", answer[2:])  # 44{"message":...}
            return 1
        print("joined as", json.loads(answer[2:])["sid"])

        send(sock, "421" + json.dumps(["hello", "from python"]))  # EVENT with ack id 1
        ack = news = None
        while ack is None or news is None:
            packet = receive(sock)
            if isinstance(packet, bytes):
                continue  # an attachment: this peer expects none
            if packet.startswith("431"):  # the ACK of id 1
                ack = json.loads(packet[3:])
                print("ack:", json.dumps(ack))
            elif packet.startswith("42"):  # an EVENT (with an ack id if digits follow "42")
                event, *args = json.loads(packet[2:].lstrip("0123456789"))
                if event == "news":
                    news = args
                    print("news:", json.dumps(args))

        send(sock, "41")  # DISCONNECT from "/", then close the connection
    print("bye")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
