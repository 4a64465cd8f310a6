// A load-generating Socket.IO client with as little overhead as possible: a `ws`
// WebSocket, Engine.IO/Socket.IO written and read by hand, no parser. Identical
// for every server under test, so differences come from the servers.
import WebSocket from "ws";

const CHAR_4 = 0x34;
const CHAR_2 = 0x32;
const CHAR_3 = 0x33;
const CHAR_0 = 0x30;
const LOCAL_ADDRESSES = 32; // spread client ports over 127.0.0.2-33: no exhaustion from TIME_WAIT

let connections = 0;

export class Peer {
  /** Called with the raw frame of each incoming "42…" event. */
  onEvent = undefined;
  /** Called with the ack id of each incoming "43…" acknowledgement. */
  onAck = undefined;
  #nextId = 0;

  constructor(port) {
    const localAddress = `127.0.0.${2 + (connections++ % LOCAL_ADDRESSES)}`;
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      localAddress,
    });
    this.ws.on("error", () => {});
    this.ready = new Promise((resolve, reject) => {
      this.ws.once("error", reject);
      this.ws.once("close", () => reject(new Error("closed before joining")));
      this.ws.on("message", (data) => {
        if (data[0] === CHAR_0) {
          this.ws.send("40");
        } else if (data[0] === CHAR_4 && data[1] === CHAR_0) {
          this.ws.removeAllListeners("message");
          this.ws.on("message", (frame) => this.#receive(frame));
          resolve(this);
        }
      });
    });
  }

  /** Emits `event` with the JSON of `args` and an ack id; returns the id. */
  emitWithAck(argsJson) {
    const id = this.#nextId++;
    this.ws.send(`42${id}${argsJson}`);
    return id;
  }

  close() {
    this.ws.terminate();
  }

  #receive(frame) {
    if (frame[0] === CHAR_4) {
      if (frame[1] === CHAR_2) this.onEvent?.(frame);
      else if (frame[1] === CHAR_3) {
        let id = 0;
        for (let i = 2; frame[i] >= CHAR_0 && frame[i] <= CHAR_0 + 9; i++) id = id * 10 + frame[i] - CHAR_0;
        this.onAck?.(id);
      }
    } else if (frame[0] === CHAR_2 && frame.length === 1) {
      this.ws.send("3"); // Engine.IO ping
    }
  }
}

/** Connects `count` peers, `concurrency` at a time. */
export async function connectPeers(port, count, concurrency = 100) {
  const peers = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      next++;
      peers.push(await new Peer(port).ready);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return peers;
}
