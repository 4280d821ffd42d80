// The chat widget: launcher, panel, message list, emergency notices.
// All of it lives in a shadow root, so the host page's CSS and the widget's
// cannot affect each other.
import { dialable } from "./config.js";
import { Connection } from "./connection.js";
import { el, textBlock } from "./dom.js";
import { translator } from "./i18n.js";
import { Store } from "./store.js";

const ICONS = {
  chat: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z",
  close: "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z",
  warning: "M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z",
  phone:
    "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "sc-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

function applyStyles(shadow, css) {
  if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css); // not subject to the page's CSP style-src, unlike <style>
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(el("style", { text: css }));
  }
}

export class ChatWidget {
  constructor(config, css) {
    this.config = config;
    this.css = css;
    this.t = translator(config.lang);
    this.store = new Store(config.storageKey);
    this.nodes = new Map(); // message id -> element
    this.connection = new Connection({
      serverUrl: config.serverUrl,
      socketPath: config.socketPath,
      store: this.store,
      on: {
        status: (status) => this.showStatus(status),
        botMessage: (data) => this.receive(data),
        delivered: (item) => this.setMessageStatus(item.id, undefined),
        unconfirmed: (item) => this.setMessageStatus(item.id, "unconfirmed"),
        busy: (busy) => {
          this.typing.hidden = !busy;
          if (busy) this.scrollToEnd();
        },
      },
    });
  }

  get state() {
    return this.store.state;
  }

  // ---- building

  mount(parent) {
    const { t, config } = this;
    this.host = el("div", { id: "spine-chat-widget" });
    this.host.style.setProperty("--sc-primary", config.colors.primary);
    this.host.style.setProperty("--sc-primary-text", config.colors.primaryText);
    const shadow = this.host.attachShadow({ mode: "open" });
    applyStyles(shadow, this.css);

    this.launcher = el(
      "button",
      {
        type: "button",
        class: "sc-launcher",
        "aria-expanded": "false",
        "aria-controls": "sc-panel",
        onclick: () => this.setOpen(!this.state.open, { focus: true }),
      },
      icon("chat"),
      el("span", { text: t("launcher") }),
    );
    const header = el(
      "div",
      { class: "sc-header" },
      el("h2", { id: "sc-title", class: "sc-title", text: config.title }),
      el("button", { type: "button", class: "sc-header__button", onclick: () => this.clear() }, t("clear")),
      el(
        "button",
        {
          type: "button",
          class: "sc-header__button sc-close",
          "aria-label": t("close"),
          onclick: () => this.setOpen(false, { focus: true }),
        },
        icon("close"),
      ),
    );
    this.alert = el("div", { class: "sc-alert", role: "alert" });
    this.status = el("div", { class: "sc-status", role: "status" });
    this.log = el("div", {
      class: "sc-log",
      role: "log",
      "aria-label": t("conversation"),
      tabindex: "0",
    });
    this.typing = el(
      "div",
      { class: "sc-typing", hidden: true },
      el("span", { class: "sc-dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")),
      el("span", { class: "sc-visually-hidden", text: t("typing") }),
    );
    this.input = el("input", {
      id: "sc-input",
      class: "sc-input",
      type: "text",
      autocomplete: "off",
      maxlength: "1000",
      placeholder: t("placeholder"),
    });
    const form = el(
      "form",
      {
        class: "sc-form",
        onsubmit: (event) => {
          event.preventDefault();
          this.submit();
        },
      },
      el("label", { for: "sc-input", class: "sc-visually-hidden", text: t("inputLabel") }),
      this.input,
      el("button", { type: "submit", class: "sc-send" }, t("send")),
    );
    this.panel = el(
      "section",
      {
        id: "sc-panel",
        class: "sc-panel",
        role: "dialog",
        "aria-labelledby": "sc-title",
        hidden: true,
      },
      header,
      this.alert,
      this.status,
      this.log,
      this.typing,
      form,
    );
    this.pageAlert = el("div", { class: "sc-page-alert", role: "alert", hidden: true });
    this.root = el(
      "aside",
      {
        class: "sc-root",
        lang: config.lang,
        "aria-label": config.title,
        // Escape closes the open panel from anywhere in the widget, the launcher
        // included (an emergency reply opens the panel without moving the focus).
        onkeydown: (event) => {
          if (event.key === "Escape" && this.state.open) {
            event.preventDefault();
            this.setOpen(false, { focus: true });
          }
        },
      },
      this.pageAlert,
      this.panel,
      this.launcher,
    );
    shadow.append(this.root);

    for (const message of this.state.messages) this.log.append(this.render(message));
    this.renderAlerts();
    parent.append(this.host);
    this.setOpen(this.state.open, { focus: false });
    if (this.state.messages.length || this.state.outbox.length) this.connection.start();
  }

  render(message) {
    const { t } = this;
    const mine = message.from === "user";
    const emergency = message.emergency;
    const kind = emergency ? (emergency.level === "URGENT" ? "urgent" : "emergency") : null;
    const node = el(
      "div",
      { class: `sc-msg sc-msg--${mine ? "user" : "bot"}${kind ? ` sc-msg--${kind}` : ""}` },
      el("span", { class: "sc-visually-hidden", text: mine ? t("you") : t("bot") }),
      kind ? el("p", { class: "sc-msg__label" }, icon("warning"), t(`${kind}Title`)) : null,
      textBlock(message.text, t),
      emergency ? this.callLinks(emergency) : null,
    );
    if (mine) {
      node.append(el("div", { class: "sc-msg__status" }));
      this.nodes.set(message.id, node);
      this.renderStatus(message);
    }
    const replies = message.quickReplies || [];
    if (replies.length && !message.answered) {
      node.append(
        el(
          "div",
          { class: "sc-replies", role: "group", "aria-label": t("suggestions") },
          replies.map((reply) =>
            el(
              "button",
              {
                type: "button",
                class: "sc-reply",
                onclick: () => {
                  this.say(reply.title, reply.payload);
                  this.input.focus();
                },
              },
              reply.title,
            ),
          ),
        ),
      );
    }
    return node;
  }

  callLinks(emergency) {
    const { t } = this;
    return el(
      "p",
      { class: "sc-calls" },
      el(
        "a",
        { class: "sc-call", href: `tel:${dialable(emergency.call)}` },
        icon("phone"),
        t("call", { number: emergency.call }),
      ),
      emergency.hospitalLine
        ? el(
            "a",
            { class: "sc-call sc-call--secondary", href: `tel:${dialable(emergency.hospitalLine)}` },
            t("hospitalLine", { number: emergency.hospitalLine }),
          )
        : null,
    );
  }

  renderAlerts() {
    const { t } = this;
    const emergency = this.state.emergency;
    this.alert.replaceChildren();
    this.pageAlert.replaceChildren();
    this.root.classList.toggle("has-alert", Boolean(emergency));
    if (!emergency) {
      this.pageAlert.hidden = true;
      return;
    }
    const kind = emergency.level === "URGENT" ? "urgent" : "emergency";
    const content = () => [
      el(
        "p",
        { class: "sc-alert__text" },
        el("strong", {}, icon("warning"), `${t(`${kind}Title`)}: `),
        t(`${kind}Text`, { number: emergency.call }),
      ),
      this.callLinks(emergency),
    ];
    this.alert.className = `sc-alert sc-alert--${kind}`;
    this.alert.append(...content());
    this.pageAlert.className = `sc-page-alert sc-alert--${kind}`;
    this.pageAlert.append(
      ...content(),
      el(
        "button",
        { type: "button", class: "sc-page-alert__open", onclick: () => this.setOpen(true, { focus: true }) },
        t("openChat"),
      ),
    );
    this.pageAlert.hidden = this.state.open;
  }

  // ---- behaviour

  setOpen(open, { focus }) {
    this.state.open = open;
    this.store.save();
    this.panel.hidden = !open;
    this.root.classList.toggle("is-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.pageAlert.hidden = open || !this.state.emergency;
    if (open) {
      this.connection.start();
      this.greetOnce();
      this.scrollToEnd();
      if (focus) this.input.focus();
    } else if (focus) {
      this.launcher.focus();
    }
  }

  greetOnce() {
    const { state, config } = this;
    if (!state.greeted && !state.messages.length && config.initPayload) {
      state.greeted = true;
      this.connection.send(config.initPayload, { hidden: true });
    }
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.say(text, text);
  }

  // Shows what the user said and queues what the server gets (a quick reply's payload).
  say(text, payload) {
    this.retireQuickReplies();
    const message = { id: this.store.nextId(), from: "user", text, status: "queued" };
    if (payload !== text) message.payload = payload;
    this.state.messages.push(message);
    this.log.append(this.render(message));
    this.connection.send(payload, { id: message.id });
    this.scrollToEnd();
  }

  retireQuickReplies() {
    for (const message of this.state.messages) {
      if (message.quickReplies && !message.answered) message.answered = true;
    }
    for (const group of this.log.querySelectorAll(".sc-replies")) group.remove();
  }

  receive(data) {
    const emergency = this.parseEmergency(data.custom);
    const replies = Array.isArray(data.quick_replies)
      ? data.quick_replies
          .filter((r) => r && typeof r.title === "string" && typeof r.payload === "string")
          .map(({ title, payload }) => ({ title, payload }))
      : [];
    let text = typeof data.text === "string" ? data.text : "";
    if (!text && emergency) {
      text = this.t(emergency.level === "URGENT" ? "urgentText" : "emergencyText", { number: emergency.call });
    }
    if (!text) return; // images and other attachments are not shown by this widget
    const message = { id: this.store.nextId(), from: "bot", text };
    if (replies.length) message.quickReplies = replies;
    if (emergency) message.emergency = emergency;
    this.state.messages.push(message);
    if (emergency) {
      // keep the more serious notice if an urgent one follows an emergency
      const current = this.state.emergency;
      if (!current || current.level !== "EMERGENCY" || emergency.level === "EMERGENCY") {
        this.state.emergency = emergency;
      }
    }
    this.store.save();
    const node = this.render(message);
    this.log.append(node);
    if (emergency) {
      this.renderAlerts();
      if (!this.state.open) this.setOpen(true, { focus: false }); // never left behind a closed widget
    }
    this.scrollToEnd(node);
  }

  parseEmergency(custom) {
    const advice = custom && typeof custom === "object" ? custom.emergency : null;
    if (!advice || typeof advice !== "object") return null;
    const number = (value) => (dialable(value) ? String(value).trim() : "");
    return {
      level: advice.level === "URGENT" ? "URGENT" : "EMERGENCY",
      call: number(advice.call) || this.config.emergencyNumber,
      hospitalLine: number(advice.hospital_line),
    };
  }

  setMessageStatus(id, status) {
    const message = this.state.messages.find((m) => m.id === id);
    if (!message) return;
    if (status) message.status = status;
    else delete message.status;
    this.store.save();
    this.renderStatus(message);
  }

  renderStatus(message) {
    const node = this.nodes.get(message.id);
    const line = node && node.querySelector(".sc-msg__status");
    if (!line) return;
    const { t } = this;
    line.replaceChildren();
    if (message.status === "queued" && this.connection.status !== "online") {
      line.append(t("waiting"));
    } else if (message.status === "unconfirmed") {
      line.append(
        `${t("notConfirmed")} `,
        el(
          "button",
          {
            type: "button",
            class: "sc-again",
            onclick: () => {
              this.setMessageStatus(message.id, "queued");
              this.connection.send(message.payload || message.text, { id: message.id });
            },
          },
          t("sendAgain"),
        ),
      );
    }
  }

  showStatus(status) {
    const { t, config } = this;
    const parts = {
      connecting: [t("connecting")],
      reconnecting: [t("reconnecting")],
      unreachable: [
        el("span", { text: `${t("unreachable")} ` }),
        el(
          "span",
          {},
          `${t("inEmergency")} `,
          el("a", { href: `tel:${dialable(config.emergencyNumber)}` }, config.emergencyNumber),
          ".",
        ),
      ],
    }[status];
    this.status.replaceChildren(...(parts || []));
    this.status.className = `sc-status sc-status--${status}`;
    for (const message of this.state.messages) {
      if (message.status === "queued") this.renderStatus(message);
    }
  }

  clear() {
    this.connection.stop();
    this.store.reset();
    this.nodes.clear();
    this.log.replaceChildren(el("p", { class: "sc-note", text: this.t("cleared") }));
    this.typing.hidden = true;
    this.renderAlerts();
    this.setOpen(true, { focus: false });
  }

  // To the end, or to the top of `node` if it is taller than the list (long replies).
  scrollToEnd(node) {
    const log = this.log;
    if (node && node.offsetHeight > log.clientHeight) log.scrollTop = node.offsetTop - 8;
    else log.scrollTop = log.scrollHeight;
  }
}
