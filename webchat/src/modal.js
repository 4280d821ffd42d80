// The open panel, when it fills a phone's screen, is a modal dialog: aria-modal, focus kept
// inside it (Tab wraps around, focus that leaves comes back), and back on the launcher when
// it closes. Methods of ChatWidget (widget.js).
export const FULL_SCREEN = "(max-width: 30rem), (max-height: 34rem)"; // as in widget.css
const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), [tabindex='0']";

export const modalMethods = {
  // ---- the full-screen panel is a modal dialog

  isModal() {
    return Boolean(this.state.open && this.fullScreen.matches);
  },

  updateModal() {
    if (this.isModal()) this.panel.setAttribute("aria-modal", "true");
    else this.panel.removeAttribute("aria-modal");
  },

  focusables() {
    return [...this.panel.querySelectorAll(FOCUSABLE)].filter((node) => !node.closest("[hidden]"));
  },

  focusFirst() {
    const first = this.focusables()[0];
    if (first) first.focus();
  },

  trapFocus(event) {
    if (event.key !== "Tab" || !this.isModal()) return;
    const nodes = this.focusables();
    if (!nodes.length) return;
    const active = this.host.shadowRoot.activeElement;
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    if (event.shiftKey && (active === first || !this.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !this.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  },
};
