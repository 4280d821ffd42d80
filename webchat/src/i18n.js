// The widget's own words, in the conversation's language (en, hi = Devanagari, hinglish =
// Hindi in Latin letters). Bot messages come from the server in their own language, and
// each says which one it is, so these labels follow the conversation.
export const LANGUAGES = ["en", "hi", "hinglish"];

const STRINGS = {
  en: {
    feedbackQuestion: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    feedbackThanks: "Thank you for your feedback.",
    launcher: "Ask our assistant",
    launcherOpen: "Close the assistant",
    close: "Close chat",
    clear: "Clear conversation",
    cleared: "Conversation cleared.",
    conversation: "Conversation",
    you: "You said:",
    bot: "Assistant said:",
    inputLabel: "Type your message",
    placeholder: "Type your question…",
    send: "Send",
    suggestions: "Suggested replies",
    typing: "The assistant is typing…",
    connecting: "Connecting to the assistant…",
    reconnecting: "Connection lost. Reconnecting…",
    unreachable:
      "The assistant can't be reached right now. We keep trying, and your messages will be sent when it is back.",
    inEmergency: "In an emergency, call",
    waiting: "Waiting to send",
    notConfirmed: "Not confirmed by the assistant.",
    sendAgain: "Send again",
    newTab: "(opens in a new tab)",
    call: "Call {number}",
    emergencyTitle: "Emergency",
    emergencyText: "Go to the nearest emergency department now, or call {number}.",
    urgentTitle: "Urgent",
    urgentText: "See a doctor within 24 hours. If it gets worse, call {number}.",
    hospitalLine: "Hospital emergency line {number}",
    dismiss: "Hide this notice",
    openChat: "Open chat",
    switchLanguage: "हिंदी",
    switchLanguageLabel: "हिंदी में बात करें (switch to Hindi)",
    confirmClear: "Clear the whole conversation? An emergency notice stays on screen.",
    confirmClearYes: "Yes, clear it",
    confirmClearNo: "Keep it",
    callClinic: "Call the clinic",
  },
  hi: {
    feedbackQuestion: "क्या यह जवाब मददगार था?",
    helpful: "मददगार",
    notHelpful: "मददगार नहीं",
    feedbackThanks: "आपकी राय के लिए धन्यवाद।",
    launcher: "सहायक से पूछें",
    launcherOpen: "सहायक बंद करें",
    close: "चैट बंद करें",
    clear: "बातचीत मिटाएँ",
    cleared: "बातचीत मिटा दी गई।",
    conversation: "बातचीत",
    you: "आपने लिखा:",
    bot: "सहायक ने लिखा:",
    inputLabel: "अपना संदेश लिखें",
    placeholder: "अपना सवाल लिखें…",
    send: "भेजें",
    suggestions: "सुझाए गए जवाब",
    typing: "सहायक लिख रहा है…",
    connecting: "सहायक से जुड़ रहे हैं…",
    reconnecting: "कनेक्शन टूट गया। फिर से जुड़ रहे हैं…",
    unreachable:
      "अभी सहायक से संपर्क नहीं हो पा रहा। हम कोशिश करते रहेंगे, और संपर्क होते ही आपके संदेश भेज दिए जाएँगे।",
    inEmergency: "इमरजेंसी में कॉल करें:",
    waiting: "भेजने का इंतज़ार",
    notConfirmed: "सहायक से पुष्टि नहीं मिली।",
    sendAgain: "फिर से भेजें",
    newTab: "(नए टैब में खुलेगा)",
    call: "{number} पर कॉल करें",
    emergencyTitle: "इमरजेंसी",
    emergencyText: "अभी नज़दीकी इमरजेंसी विभाग जाएँ या {number} पर कॉल करें।",
    urgentTitle: "जल्दी ध्यान दें",
    urgentText: "24 घंटे के अंदर डॉक्टर को दिखाएँ। तकलीफ़ बढ़े तो {number} पर कॉल करें।",
    hospitalLine: "अस्पताल की इमरजेंसी लाइन {number}",
    dismiss: "यह सूचना छिपाएँ",
    openChat: "चैट खोलें",
    switchLanguage: "English",
    switchLanguageLabel: "Switch to English (अंग्रेज़ी में बात करें)",
    confirmClear: "क्या पूरी बातचीत मिटा दें? इमरजेंसी की सूचना स्क्रीन पर बनी रहेगी।",
    confirmClearYes: "हाँ, मिटाएँ",
    confirmClearNo: "नहीं, रहने दें",
    callClinic: "क्लिनिक को कॉल करें",
  },
  hinglish: {
    feedbackQuestion: "Kya yeh jawab madadgaar tha?",
    helpful: "Madadgaar",
    notHelpful: "Madadgaar nahi",
    feedbackThanks: "Aapki raay ke liye dhanyavaad.",
    launcher: "Assistant se poochiye",
    launcherOpen: "Assistant band karein",
    close: "Chat band karein",
    clear: "Baatcheet mitayein",
    cleared: "Baatcheet mita di gayi.",
    conversation: "Baatcheet",
    you: "Aapne likha:",
    bot: "Assistant ne likha:",
    inputLabel: "Apna message likhiye",
    placeholder: "Apna sawal likhiye…",
    send: "Bhejein",
    suggestions: "Sujhaye gaye jawab",
    typing: "Assistant likh raha hai…",
    connecting: "Assistant se jud rahe hain…",
    reconnecting: "Connection toot gaya. Phir se jud rahe hain…",
    unreachable:
      "Abhi assistant se sampark nahi ho pa raha. Hum koshish karte rahenge, aur sampark hote hi aapke message bhej diye jayenge.",
    inEmergency: "Emergency mein call karein:",
    waiting: "Bhejne ka intezaar",
    notConfirmed: "Assistant se pushti nahi mili.",
    sendAgain: "Phir se bhejein",
    newTab: "(naye tab mein khulega)",
    call: "{number} par call karein",
    emergencyTitle: "Emergency",
    emergencyText: "Abhi nazdeeki emergency vibhag jayein ya {number} par call karein.",
    urgentTitle: "Jaldi dhyan dein",
    urgentText: "24 ghante ke andar doctor ko dikhayein. Takleef badhe to {number} par call karein.",
    hospitalLine: "Hospital ki emergency line {number}",
    dismiss: "Yeh soochna chhupayein",
    openChat: "Chat kholein",
    switchLanguage: "हिंदी",
    switchLanguageLabel: "हिंदी में बात करें (Devanagari)",
    confirmClear: "Kya poori baatcheet mita dein? Emergency ki soochna screen par bani rahegi.",
    confirmClearYes: "Haan, mitayein",
    confirmClearNo: "Nahi, rehne dein",
    callClinic: "Clinic ko call karein",
  },
};

// The language the widget's control switches to from `lang`.
export function otherLanguage(lang) {
  return lang === "hi" ? "en" : "hi";
}

// The value of the `lang` attribute for text in `lang` (Hinglish is Hindi in Latin script).
export function htmlLang(lang) {
  return lang === "hinglish" ? "hi-Latn" : lang === "hi" ? "hi" : "en";
}

export function translator(lang) {
  const table = STRINGS[lang] || STRINGS.en;
  return (key, values = {}) =>
    (table[key] || STRINGS.en[key] || key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}
