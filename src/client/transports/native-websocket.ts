// The browser bundle's stand-in for the `ws` package: the browser's own WebSocket.
// scripts/build-client.mjs maps `ws` here; nothing else imports this file, so
// Node code keeps the real `ws`.
export const WebSocket = globalThis.WebSocket;
