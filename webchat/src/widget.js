// The chat widget: launcher, panel, message list, emergency notices.
// All of it lives in a shadow root, so the host page's CSS and the widget's
// cannot affect each other.
import { Connection } from "./connection.js";
import { el, textBlock } from "./dom.js";
import { clearingMethods } from "./clearing.js";
import { feedbackMethods } from "./feedback.js";
import { LANGUAGES, otherLanguage, translator } from "./i18n.js";
import { languageMethods } from "./language.js";
import { icon } from "./icons.js";
import { FULL_SCREEN, modalMethods } from "./modal.js";
import { noticeMethods } from "./notices.js";
import { Store } from "./store.js";

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
    this.store = new Store(config.storageKey);
    this.lang = LANGUAGES.includes(this.store.state.lang) ? this.store.state.lang : config.lang;
    this.t = translator(this.lang);
    this.fullScreen = window.matchMedia ? window.matchMedia(FULL_SCREEN) : { matches: false };
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
      (this.launcherLabel = el("span", { text: t("launcher") })),
    );
    this.languageButton = el("button", {
      type: "button",
      class: "sc-header__button sc-language",
      onclick: () => this.switchLanguage(otherLanguage(this.lang)),
    });
    this.clearButton = el("button", { type: "button", class: "sc-header__button", onclick: () => this.askClear() });
    this.closeButton = el(
      "button",
      { type: "button", class: "sc-header__button sc-close", onclick: () => this.setOpen(false, { focus: true }) },
      icon("close"),
    );
    const header = el(
      "div",
      { class: "sc-header" },
      el("h2", { id: "sc-title", class: "sc-title", text: config.title }),
      this.languageButton,
      this.clearButton,
      this.closeButton,
    );
    this.confirm = el("div", { class: "sc-confirm", role: "group", hidden: true });
    this.alert = el("div", { class: "sc-alert", role: "alert" });
    this.status = el("div", { class: "sc-status", role: "status" });
    this.log = el("div", { class: "sc-log", role: "log", tabindex: "0" });
    this.typing = el(
      "div",
      { class: "sc-typing", hidden: true },
      el("span", { class: "sc-dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")),
      (this.typingLabel = el("span", { class: "sc-visually-hidden", text: t("typing") })),
    );
    this.input = el("input", {
      id: "sc-input",
      class: "sc-input",
      type: "text",
      autocomplete: "off",
      maxlength: "1000",
    });
    this.inputLabel = el("label", { for: "sc-input", class: "sc-visually-hidden" });
    this.sendButton = el("button", { type: "submit", class: "sc-send" });
    const form = el(
      "form",
      {
        class: "sc-form",
        onsubmit: (event) => {
          event.preventDefault();
          this.submit();
        },
      },
      this.inputLabel,
      this.input,
      this.sendButton,
    );
    this.panel = el(
      "section",
      {
        id: "sc-panel",
        class: "sc-panel",
        role: "dialog",
        "aria-labelledby": "sc-title",
        hidden: true,
        onkeydown: (event) => this.trapFocus(event),
      },
      header,
      this.confirm,
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
    this.applyLanguage(this.lang);
    // focus that leaves the full-screen dialog (e.g. to the page under it) comes back
    document.addEventListener("focusin", (event) => {
      if (this.isModal() && event.target !== this.host) this.focusFirst();
    });
    if (this.fullScreen.addEventListener) this.fullScreen.addEventListener("change", () => this.updateModal());

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
                  // focus goes to the conversation, not the text box: on a phone the
                  // keyboard would open after every tap of a question with buttons
                  this.say(reply.title, reply.payload);
                  this.log.focus({ preventScroll: true });
                },
              },
              reply.title,
            ),
          ),
        ),
      );
    }
    // the thumbs arrive after the answer and its suggested replies: below them
    if (!mine && message.feedback) node.append(this.feedbackRow(message));
    return node;
  }

  // ---- behaviour

  setOpen(open, { focus }) {
    this.state.open = open;
    this.store.save();
    this.panel.hidden = !open;
    this.root.classList.toggle("is-open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    this.launcherLabel.textContent = this.t(open ? "launcherOpen" : "launcher");
    this.pageAlert.hidden = open || !this.state.emergency;
    this.updateModal();
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
      // a page in Hindi asks for the greeting in Hindi: /greet{"language": "hi"}
      const plainIntent = /^\/\w+$/.test(config.initPayload);
      const payload =
        plainIntent && this.lang !== "en" ? `${config.initPayload}{"language": "${this.lang}"}` : config.initPayload;
      this.connection.send(payload, { hidden: true });
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
    if (this.receiveFeedback(data)) return;
    if (LANGUAGES.includes(data.language) && data.language !== this.lang) this.applyLanguage(data.language);
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

  // To the end, or to the top of `node` if it is taller than the list (long replies).
  scrollToEnd(node) {
    const log = this.log;
    if (node && node.offsetHeight > log.clientHeight) log.scrollTop = node.offsetTop - 8;
    else log.scrollTop = log.scrollHeight;
  }
}

Object.assign(
  ChatWidget.prototype,
  noticeMethods,
  languageMethods,
  modalMethods,
  clearingMethods,
  feedbackMethods,
);
