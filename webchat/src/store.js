// The conversation as shown, kept in sessionStorage: it survives reloads within
// the tab and ends with it. Nothing goes to localStorage or cookies.

const VERSION = 1;

export function emptyState() {
  return {
    v: VERSION,
    sessionId: null, // Rasa's sender id, assigned by the server (session_confirm)
    open: false,
    greeted: false, // the init payload was queued for this conversation
    messages: [], // {id, from: "user"|"bot", text, quickReplies?, emergency?, status?}
    outbox: [], // {id, payload}: user messages the server has not acknowledged yet
    emergency: null, // {level, call, hospitalLine} of the latest emergency reply
    emergencyHidden: false,
    lang: null, // the conversation's language (en, hi, hinglish) once the server has said it
    seq: 0,
  };
}

export class Store {
  constructor(key) {
    this.key = key;
    this.state = this.load();
  }

  load() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(this.key) || "null");
      if (saved && saved.v === VERSION && Array.isArray(saved.messages)) {
        return { ...emptyState(), ...saved };
      }
    } catch (error) {
      // storage disabled or corrupt: start afresh
    }
    return emptyState();
  }

  save() {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify(this.state));
    } catch (error) {
      // storage full or disabled: the conversation then lasts until reload
    }
  }

  nextId() {
    this.state.seq += 1;
    return `m${this.state.seq}`;
  }

  reset() {
    this.state = emptyState();
    try {
      window.sessionStorage.removeItem(this.key);
    } catch (error) {
      // nothing stored
    }
  }
}
