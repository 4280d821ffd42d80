// Entry point: <script src=".../chat-widget.js" defer data-config='{"serverUrl": "..."}'></script>
import { readConfig } from "./config.js";
import { ChatWidget } from "./widget.js";
import css from "./widget.css";

const script = document.currentScript;

function boot() {
  if (window.SpineChat) return; // loaded twice
  const widget = new ChatWidget(readConfig(script, window.SpineChatConfig), css);
  widget.mount(document.body);
  window.SpineChat = {
    open: () => widget.setOpen(true, { focus: true }),
    close: () => widget.setOpen(false, { focus: true }),
  };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
