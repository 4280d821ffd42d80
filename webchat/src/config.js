// Widget settings: defaults, then the `data-config` JSON of the widget's own
// <script> tag, then `window.SpineChatConfig` (if a page prefers to set it in JS).

export const DEFAULTS = {
  serverUrl: "http://localhost:5005", // the Rasa server (socket.io channel)
  socketPath: "/socket.io/",
  title: "Spine clinic assistant",
  lang: "en", // "en", "hi" or "hinglish": the widget's labels until the conversation says otherwise
  clinicPhone: "", // the clinic's number: a Call button while the assistant can't be reached
  emergencyNumber: "112",
  colors: {
    primary: "#005a9c", // launcher, header, your messages (white text on it)
    primaryText: "#ffffff",
  },
  initPayload: "/greet", // sent on the first opening of a new conversation
  storageKey: "", // sessionStorage key; default: derived from serverUrl
};

const COLOR = /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|[a-z]+)$/i;

function parseJSON(text) {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : {};
  } catch (error) {
    console.error("chat widget: data-config is not valid JSON", error);
    return {};
  }
}

function pickString(value, fallback) {
  return typeof value === "string" && value.trim() ? value.trim() : fallback;
}

export function readConfig(script, globalConfig) {
  const given = {
    ...parseJSON(script && script.getAttribute("data-config")),
    ...(globalConfig && typeof globalConfig === "object" ? globalConfig : {}),
  };
  const colors = { ...DEFAULTS.colors };
  for (const [name, value] of Object.entries(given.colors || {})) {
    if (name in colors && typeof value === "string" && COLOR.test(value.trim())) {
      colors[name] = value.trim();
    }
  }
  const serverUrl = pickString(given.serverUrl, DEFAULTS.serverUrl).replace(/\/+$/, "");
  return {
    serverUrl,
    socketPath: pickString(given.socketPath, DEFAULTS.socketPath),
    title: pickString(given.title, DEFAULTS.title),
    lang: ["hi", "hinglish"].includes(given.lang) ? given.lang : "en",
    emergencyNumber: pickString(given.emergencyNumber, DEFAULTS.emergencyNumber),
    clinicPhone: dialable(given.clinicPhone) ? String(given.clinicPhone).trim() : "",
    colors,
    initPayload: typeof given.initPayload === "string" ? given.initPayload : DEFAULTS.initPayload,
    storageKey: pickString(given.storageKey, `spine-chat:${serverUrl}`),
  };
}

// "112", "+91 11 2345 6789" -> the digits a tel: link can dial, or "" if none.
export function dialable(number) {
  const digits = String(number || "").replace(/[^\d+]/g, "");
  return /^\+?\d{2,15}$/.test(digits) ? digits : "";
}
