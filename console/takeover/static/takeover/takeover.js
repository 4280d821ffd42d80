/* Live takeover page: polls the console's JSON feed for the patient's messages, alerts the
   member of staff to red flags (the assistant has already sent the emergency advice), and
   sends staff messages without reloading. Loaded from the console itself (strict CSP). */
(function () {
  "use strict";
  var root = document.getElementById("takeover");
  if (!root) { return; }
  var feed = root.getAttribute("data-feed");
  var after = parseInt(root.getAttribute("data-after") || "0", 10);
  var list = document.getElementById("takeover-messages");
  var alertBox = document.getElementById("takeover-alert");
  var windowBox = document.getElementById("takeover-window");
  var seen = {};
  var alerted = {};
  var titleBase = document.title;
  var WHO = { patient: "Patient", assistant: "Assistant" };

  function add(item) {
    if (seen[item.id]) { return; }
    seen[item.id] = true;
    var li = document.createElement("li");
    li.className = "live-" + item.from + (item.red_flags && item.red_flags.length ? " live-red-flag" : "");
    li.setAttribute("data-event", item.id);
    var who = document.createElement("strong");
    who.textContent = item.from === "staff" ? "Clinic team (" + item.staff + ")" : WHO[item.from];
    var time = document.createElement("time");
    time.textContent = new Date(item.at * 1000).toLocaleTimeString();
    var text = document.createElement("p");
    text.textContent = item.text;
    li.appendChild(who); li.appendChild(document.createTextNode(" ")); li.appendChild(time);
    if (item.red_flags && item.red_flags.length) {
      var flag = document.createElement("strong");
      flag.className = "live-flag-label";
      flag.textContent = " · red flag (" + item.red_flags.join(", ") + ")";
      li.appendChild(flag);
    }
    li.appendChild(text);
    list.appendChild(li);
  }

  function alertOn(alerts) {
    var fresh = alerts.filter(function (a) { return !alerted[a.id]; });
    if (!fresh.length) { return; }
    fresh.forEach(function (a) { alerted[a.id] = true; });
    var level = fresh.some(function (a) { return a.level === "EMERGENCY"; }) ? "EMERGENCY" : "URGENT";
    alertBox.textContent = "RED FLAG (" + level + ") from the patient. The assistant has sent " +
      "the " + level.toLowerCase() + " advice automatically. Read the message and act now.";
    alertBox.hidden = false;
    document.title = "RED FLAG · " + titleBase;
  }

  function poll() {
    fetch(feed + "?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.items.forEach(add);
        after = Math.max(after, data.last_id);
        if (data.alerts && data.active) { alertOn(data.alerts); }
        windowBox.hidden = data.window_open;
        windowBox.textContent = data.window_message;
      })
      .catch(function () { /* tried again at the next poll */ })
      .then(function () { window.setTimeout(poll, 1500); });
  }

  var form = document.getElementById("takeover-send");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("takeover-send-status");
      var box = document.getElementById("takeover-text");
      status.textContent = "Sending…";
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.sent) { box.value = ""; status.textContent = "Sent."; }
          else { status.textContent = data.error; }
        })
        .catch(function () { status.textContent = "Not sent: the console could not be reached."; });
    });
  }
  poll();
}());
