// The widget's own labels in the conversation's language (en, hi, hinglish), and the
// header's हिंदी / English control, which tells the server with a language-neutral payload.
// Methods of ChatWidget (widget.js).
import { htmlLang, otherLanguage, translator } from "./i18n.js";

export const languageMethods = {
  // ---- language

  // The widget's labels in `lang`; the server is told when the visitor picks it.
  switchLanguage(lang) {
    this.applyLanguage(lang);
    this.connection.start();
    this.connection.send(`/set_language{"language": "${lang}"}`, { hidden: true });
  },

  applyLanguage(lang) {
    this.lang = lang;
    this.state.lang = lang;
    this.store.save();
    const t = (this.t = translator(lang));
    this.root.setAttribute("lang", htmlLang(lang));
    this.launcherLabel.textContent = t(this.state.open ? "launcherOpen" : "launcher");
    this.languageButton.textContent = t("switchLanguage");
    this.languageButton.setAttribute("lang", otherLanguage(lang) === "hi" ? "hi" : "en");
    this.languageButton.setAttribute("aria-label", t("switchLanguageLabel"));
    this.clearButton.textContent = t("clear");
    this.closeButton.setAttribute("aria-label", t("close"));
    this.log.setAttribute("aria-label", t("conversation"));
    this.typingLabel.textContent = t("typing");
    this.inputLabel.textContent = t("inputLabel");
    this.input.placeholder = t("placeholder");
    this.sendButton.textContent = t("send");
    this.renderAlerts();
    if (this.statusName) this.showStatus(this.statusName);
  },
};
