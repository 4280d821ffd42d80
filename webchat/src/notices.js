// What the widget shows beside the conversation: the emergency or urgent notice with its
// Call buttons (in the panel and on the page), and the connection's state, which keeps a big
// Call button on screen while the assistant can't be reached. Methods of ChatWidget (widget.js).
import { dialable } from "./config.js";
import { el } from "./dom.js";
import { icon } from "./icons.js";

export const noticeMethods = {
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
  },

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
  },


  parseEmergency(custom) {
    const advice = custom && typeof custom === "object" ? custom.emergency : null;
    if (!advice || typeof advice !== "object") return null;
    const number = (value) => (dialable(value) ? String(value).trim() : "");
    return {
      level: advice.level === "URGENT" ? "URGENT" : "EMERGENCY",
      call: number(advice.call) || this.config.emergencyNumber,
      hospitalLine: number(advice.hospital_line),
    };
  },


  showStatus(status) {
    const { t, config } = this;
    const parts = {
      connecting: [t("connecting")],
      reconnecting: [t("reconnecting")],
      unreachable: [
        el("span", { text: `${t("unreachable")} ` }),
        // the big Call buttons stay on screen while the assistant can't be reached
        el(
          "p",
          { class: "sc-calls" },
          el(
            "a",
            { class: "sc-call", href: `tel:${dialable(config.emergencyNumber)}` },
            icon("phone"),
            t("call", { number: config.emergencyNumber }),
          ),
          config.clinicPhone
            ? el(
                "a",
                { class: "sc-call sc-call--secondary", href: `tel:${dialable(config.clinicPhone)}` },
                `${t("callClinic")} ${config.clinicPhone}`,
              )
            : null,
        ),
      ],
    }[status];
    this.statusName = status;
    this.status.replaceChildren(...(parts || []));
    this.status.className = `sc-status sc-status--${status}`;
    for (const message of this.state.messages) {
      if (message.status === "queued") this.renderStatus(message);
    }
  },
};
