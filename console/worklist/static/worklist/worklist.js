/* The escalation worklist without reloads: polls the page's JSON (same filters) and
   replaces the rows; a new EMERGENCY rings a short tone and shows a browser notification
   once the user has turned alerts on with the button (browsers allow sound and the
   permission request only after a click). No inline script: the console's CSP allows
   only scripts from its own origin. */
(function () {
  "use strict";
  var box = document.getElementById("worklist");
  if (!box) { return; }
  var url = box.getAttribute("data-poll-url");
  var every = Math.max(5, parseInt(box.getAttribute("data-poll-seconds"), 10) || 15) * 1000;
  var status = document.getElementById("worklist-status");
  var button = document.getElementById("worklist-alerts");
  var audio = null;
  var alertsOn = false;

  function emergencies(root) {
    var seen = {};
    var rows = root.querySelectorAll("tr[data-level='EMERGENCY']");
    for (var i = 0; i < rows.length; i++) { seen[rows[i].getAttribute("data-conversation")] = true; }
    return seen;
  }
  var known = emergencies(box);

  function tone() {
    if (!audio) { return; }
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  }

  function announce(ids) {
    if (!ids.length) { return; }
    box.setAttribute("data-new-emergencies", ids.join(" "));
    if (!alertsOn) { return; }
    tone();
    if (window.Notification && Notification.permission === "granted") {
      new Notification("New emergency on the worklist", {
        body: ids.length === 1 ? "Conversation #" + ids[0] : ids.length + " conversations",
        tag: "worklist-emergency"
      });
    }
  }

  function refresh() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200 || request.responseURL.indexOf("/login/") !== -1) {
        status.textContent = "Not updated: sign in again.";
        return;
      }
      var data = JSON.parse(request.responseText);
      var focused = box.contains(document.activeElement);
      if (!focused) { box.innerHTML = data.rows; }
      var now = emergencies(box);
      var fresh = [];
      for (var i = 0; i < data.items.length; i++) {
        var id = String(data.items[i].id);
        if (data.items[i].level === "EMERGENCY" && !known[id]) { fresh.push(id); }
      }
      if (!focused) { known = now; }
      announce(fresh);
      status.textContent = "Updated " + new Date().toLocaleTimeString() +
        (focused ? " (rows kept while you type)" : "") + ".";
    };
    request.onerror = function () { status.textContent = "Not updated: the console did not answer."; };
    request.send();
  }

  if (button) {
    button.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) { audio = new Context(); }
      alertsOn = true;
      if (window.Notification && Notification.permission === "default") {
        Notification.requestPermission();
      }
      button.textContent = "Sound and notifications are on for new emergencies";
      button.disabled = true;
    });
  }
  window.setInterval(refresh, every);
}());
