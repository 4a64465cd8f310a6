import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePromptCommand } from "./prompt-command.js";

describe("parsePromptCommand: words", () => {
  it("emit and call: the event, then each argument as JSON or text", () => {
    assert.deepEqual(parsePromptCommand(`emit chat "hola"`), { kind: "emit", event: "chat", args: ["hola"] });
    assert.deepEqual(parsePromptCommand("emit chat hola"), { kind: "emit", event: "chat", args: ["hola"] });
    assert.deepEqual(parsePromptCommand(`  call  "chat room" 1 {"a": 2}  `), {
      kind: "call",
      event: "chat room",
      args: [1, { a: 2 }],
    });
    assert.deepEqual(parsePromptCommand("EMIT ping"), { kind: "emit", event: "ping", args: [] });
    assert.deepEqual(parsePromptCommand("emit 42"), { kind: "emit", event: "42", args: [] });
  });

  it("send takes the rest of the line as it is", () => {
    assert.deepEqual(parsePromptCommand(`send  hola "mundo" {`), { kind: "send", text: `hola "mundo" {` });
  });

  it("ns, with or without the slash, or alone", () => {
    assert.deepEqual(parsePromptCommand("ns /admin"), { kind: "ns", namespace: "/admin" });
    assert.deepEqual(parsePromptCommand("ns admin"), { kind: "ns", namespace: "/admin" });
    assert.deepEqual(parsePromptCommand("ns"), { kind: "ns" });
    assert.throws(() => parsePromptCommand("ns a b"), /no spaces/);
  });

  it("the commands without arguments, their aliases, and an empty line", () => {
    for (const kind of ["connect", "disconnect", "help", "quit"]) assert.deepEqual(parsePromptCommand(kind), { kind });
    assert.deepEqual(parsePromptCommand("exit"), { kind: "quit" });
    assert.deepEqual(parsePromptCommand("?"), { kind: "help" });
    assert.deepEqual(parsePromptCommand("   "), { kind: "nothing" });
  });

  it("refuses unknown commands and a missing event", () => {
    assert.throws(() => parsePromptCommand("shout hi"), /unknown command "shout"/);
    assert.throws(() => parsePromptCommand("emit"), /usage: emit <event>/);
    assert.throws(() => parsePromptCommand("call   "), /usage: call <event>/);
  });
});

describe("parsePromptCommand: JSON objects", () => {
  it("emit, call (with id and timeout), send, ns, and the rest", () => {
    assert.deepEqual(parsePromptCommand(`{"command":"emit","event":"chat","args":["hola",{"$binary":"AA=="}]}`), {
      kind: "emit",
      event: "chat",
      args: ["hola", Buffer.from([0])],
    });
    assert.deepEqual(parsePromptCommand(`{"command":"call","event":"e","id":"q1","timeout":500}`), {
      kind: "call",
      event: "e",
      args: [],
      id: "q1",
      timeoutMs: 500,
    });
    assert.deepEqual(parsePromptCommand(`{"command":"send","text":"hi"}`), { kind: "send", text: "hi" });
    assert.deepEqual(parsePromptCommand(`{"command":"ns","namespace":"x"}`), { kind: "ns", namespace: "/x" });
    assert.deepEqual(parsePromptCommand(`{"command":"quit"}`), { kind: "quit" });
  });

  it("refuses what is not a command", () => {
    assert.throws(() => parsePromptCommand(`{"command":`), /invalid JSON command/);
    assert.throws(() => parsePromptCommand(`{"event":"x"}`), /unknown command undefined/);
    assert.throws(() => parsePromptCommand(`{"command":"emit","event":""}`), /needs "event"/);
    assert.throws(() => parsePromptCommand(`{"command":"emit","event":"x","args":1}`), /"args" must be an array/);
    assert.throws(() => parsePromptCommand(`{"command":"call","event":"x","timeout":-1}`), /"timeout"/);
    assert.throws(() => parsePromptCommand(`{"command":"call","event":"x","id":{}}`), /"id"/);
    assert.throws(() => parsePromptCommand(`{"command":"send"}`), /needs "text"/);
  });
});
