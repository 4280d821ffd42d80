// "Clear conversation": asked for first, inside the panel; an active emergency notice
// stays (with its Call button) when the conversation goes. Methods of ChatWidget (widget.js).
import { el } from "./dom.js";

export const clearingMethods = {
  // "Clear conversation" asks first, next to the buttons it is shown with.
  askClear() {
    const { t } = this;
    const keep = el("button", { type: "button", class: "sc-header__button", onclick: () => this.closeConfirm() }, t("confirmClearNo"));
    this.confirm.replaceChildren(
      el("p", { id: "sc-confirm-text", text: t("confirmClear") }),
      el(
        "div",
        { class: "sc-confirm__buttons" },
        el("button", { type: "button", class: "sc-header__button sc-confirm__yes", onclick: () => this.clear() }, t("confirmClearYes")),
        keep,
      ),
    );
    this.confirm.setAttribute("aria-labelledby", "sc-confirm-text");
    this.confirm.hidden = false;
    keep.focus();
  },

  closeConfirm() {
    this.confirm.hidden = true;
    this.confirm.replaceChildren();
    this.clearButton.focus();
  },

  clear() {
    const { emergency, lang } = this.state; // an active emergency notice is kept
    this.confirm.hidden = true;
    this.confirm.replaceChildren();
    this.connection.stop();
    this.store.reset();
    Object.assign(this.state, { emergency, lang });
    this.store.save();
    this.nodes.clear();
    this.log.replaceChildren(el("p", { class: "sc-note", text: this.t("cleared") }));
    this.typing.hidden = true;
    this.renderAlerts();
    this.setOpen(true, { focus: false });
    this.input.focus();
  },
};
