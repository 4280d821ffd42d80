// The socket.io link to Rasa's socket.io channel (session_persistence on).
//
// * On every (re)connection the widget asks for its session again
//   (`session_request` with the stored id), so the server puts the new socket
//   in the conversation's room before anything is sent.
// * User messages go through an outbox kept with the conversation: one at a
//   time, each with an acknowledgement. The server acknowledges a message
//   after it has emitted all the replies, so an acknowledged message is never
//   sent again, and one that was not (the connection dropped first) is sent
//   once more after reconnecting. Nothing is sent while offline.
import { io } from "socket.io-client";

const ACK_TIMEOUT_MS = 60000;

export class Connection {
  constructor({ serverUrl, socketPath, store, on }) {
    this.serverUrl = serverUrl;
    this.socketPath = socketPath;
    this.store = store;
    this.on = on; // {status(name), botMessage(msg), delivered(item), unconfirmed(item), busy(bool)}
    this.socket = null;
    this.ready = false;
    this.inflight = null;
    this.status = "idle";
  }

  get started() {
    return this.socket !== null;
  }

  setStatus(status) {
    if (status !== this.status) {
      this.status = status;
      this.on.status(status);
    }
  }

  start() {
    if (this.socket) return;
    this.setStatus("connecting");
    const socket = io(this.serverUrl, {
      path: this.socketPath,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000, // back within seconds of the server
      withCredentials: false,
    });
    this.socket = socket;
    socket.on("connect", () => {
      socket.emit("session_request", { session_id: this.store.state.sessionId });
    });
    socket.on("session_confirm", (data) => {
      const id = typeof data === "string" ? data : data && data.session_id;
      if (!id) return;
      if (this.store.state.sessionId !== id) {
        this.store.state.sessionId = id;
        this.store.save();
      }
      this.ready = true;
      this.setStatus("online");
      this.flush();
    });
    socket.on("bot_uttered", (message) => {
      if (message && typeof message === "object") this.on.botMessage(message);
    });
    socket.on("disconnect", (reason) => {
      this.ready = false;
      this.inflight = null;
      this.on.busy(false);
      this.setStatus("reconnecting");
      // The server closed the connection on purpose: socket.io does not retry then.
      if (reason === "io server disconnect") setTimeout(() => this.socket === socket && socket.connect(), 3000);
    });
    socket.on("connect_error", () => {
      this.ready = false;
      this.setStatus("unreachable");
      if (!socket.active) setTimeout(() => this.socket === socket && socket.connect(), 5000);
    });
  }

  stop() {
    if (!this.socket) return;
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    this.inflight = null;
    socket.removeAllListeners();
    socket.disconnect();
    this.on.busy(false);
    this.setStatus("idle");
  }

  send(payload, { hidden = false, id } = {}) {
    const item = { id: id || this.store.nextId(), payload, hidden };
    this.store.state.outbox.push(item);
    this.store.save();
    this.start();
    this.flush();
    return item;
  }

  flush() {
    if (!this.ready || this.inflight) return;
    const item = this.store.state.outbox[0];
    if (!item) {
      this.on.busy(false);
      return;
    }
    const socket = this.socket;
    const attempt = { item };
    this.inflight = attempt;
    this.on.busy(true);
    const data = { message: item.payload, session_id: this.store.state.sessionId };
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", data, (error) => {
      if (this.inflight !== attempt) return; // a stale attempt (disconnected or cleared since)
      this.inflight = null;
      if (error && !socket.connected) return; // lost with the connection: sent again on reconnect
      this.store.state.outbox = this.store.state.outbox.filter((o) => o.id !== item.id);
      this.store.save();
      if (error) this.on.unconfirmed(item);
      else this.on.delivered(item);
      this.flush();
    });
  }
}
