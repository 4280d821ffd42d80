// Thumbs up / down under each FAQ answer: the server follows an answer with
// {"feedback": {"topic": "<topic>"}} (channels/socketio.py), the widget shows two buttons
// under that answer, and a tap sends the rating as a button payload
// /feedback{"rating": "up", "feedback_topic": "<topic>"} that the assistant records
// (contract.py: INTENT_FEEDBACK). One rating per answer; nothing else waits for it.
// Methods of ChatWidget (widget.js).
import { el } from "./dom.js";

const TOPIC = /^[a-z0-9_]{1,64}$/;

export const feedbackMethods = {
  // True when `data` is a feedback offer (handled here, not shown as a message).
  receiveFeedback(data) {
    const offer = data && data.feedback;
    if (!offer || typeof offer !== "object") return false;
    if (typeof offer.topic !== "string" || !TOPIC.test(offer.topic)) return true;
    const messages = this.state.messages;
    const answer = messages.length ? messages[messages.length - 1] : null;
    if (!answer || answer.from !== "bot" || answer.feedback) return true;
    answer.feedback = { topic: offer.topic };
    this.store.save();
    const nodes = this.log.querySelectorAll(".sc-msg--bot");
    const node = nodes.length ? nodes[nodes.length - 1] : null;
    if (node) node.append(this.feedbackRow(answer));
    return true;
  },

  feedbackRow(message) {
    const { t } = this;
    const rated = message.feedback.rating;
    const button = (rating, symbol, label) =>
      el(
        "button",
        {
          type: "button",
          class: `sc-thumb sc-thumb--${rating}`,
          "aria-label": label,
          "aria-pressed": String(rated === rating),
          disabled: rated ? "" : null,
          onclick: () => this.rate(message, rating),
        },
        symbol,
      );
    return el(
      "div",
      { class: "sc-feedback", role: "group", "aria-label": t("feedbackQuestion"), "data-topic-for": message.id },
      el("span", { class: "sc-feedback__question", text: rated ? t("feedbackThanks") : t("feedbackQuestion") }),
      button("up", "👍", t("helpful")),
      button("down", "👎", t("notHelpful")),
    );
  },

  rate(message, rating) {
    if (message.feedback.rating) return;
    message.feedback.rating = rating;
    this.store.save();
    const payload = `/feedback{"rating": "${rating}", "feedback_topic": "${message.feedback.topic}"}`;
    this.connection.start();
    this.connection.send(payload, { hidden: true });
    for (const row of this.log.querySelectorAll(".sc-feedback")) {
      if (row.dataset.topicFor === String(message.id)) row.replaceWith(this.feedbackRow(message));
    }
  },
};
