// Worklist and callback pages: countdowns, live updates, the claim's heartbeat and release,
// and click-to-call. Plain JavaScript, no build step; the server does every check again.
(function () {
  "use strict";
  var script = document.currentScript;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  // Count down on the server's clock (which may be a development clock), not the browser's.
  var serverNow = script && Date.parse(script.getAttribute("data-now") || "");
  var skew = serverNow ? serverNow - Date.now() : 0;
  function now() { return Date.now() + skew; }

  function words(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000), days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var parts = days ? [[days, "day"], [hours, "hour"]] : [[hours, "hour"], [mins, "minute"]];
    var out = parts.filter(function (p) { return p[0]; })
      .map(function (p) { return p[0] + " " + p[1] + (p[0] === 1 ? "" : "s"); }).join(" ");
    return out || "less than a minute";
  }

  function tick() {
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var left = new Date(el.getAttribute("datetime")).getTime() - now();
      var text = left <= 0 ? "overdue by " + words(left) : "due in " + words(left);
      var keep = el.textContent.indexOf("(by ") >= 0 && left > 0 ? " " + el.textContent.slice(el.textContent.indexOf("(by ")) : "";
      el.textContent = text + keep;
    });
  }
  tick();
  setInterval(tick, 30000);

  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: body || null,
                        headers: { "X-CSRFToken": csrf } });
  }

  var rows = document.getElementById("rows");
  function refreshRows() {
    fetch(rows.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) { rows.innerHTML = html; tick(); } });
  }

  var page = document.getElementById("callback");
  function refreshState() {
    fetch(page.getAttribute("data-state"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        document.getElementById("attempts").textContent = s.attempts + " of 3";
        var status = document.getElementById("call-status");
        if (status && s.call) {
          status.textContent = s.call.state === "ended"
            ? "The call has ended" + (s.call.result ? " (" + s.call.result.replace(/_/g, " ") + ")" : "") + "."
            : "Call: " + s.call.state.replace(/_/g, " ") + "…";
        }
      });
  }

  if (window.EventSource && script && script.getAttribute("data-events")) {
    var source = new EventSource(script.getAttribute("data-events"));
    source.addEventListener("callback", function (event) {
      var change = JSON.parse(event.data);
      if (rows) { refreshRows(); }
      if (page && String(change.callback_id) === page.getAttribute("data-id")) { refreshState(); }
    });
    // The incoming warm transfer panel (transfers.js) follows the same stream.
    source.addEventListener("transfer", function () {
      document.dispatchEvent(new CustomEvent("transfer-change"));
    });
  }

  if (page && page.getAttribute("data-mine") === "yes") {
    var every = parseInt(page.getAttribute("data-every"), 10) * 1000;
    setInterval(function () {
      post(page.getAttribute("data-heartbeat")).then(function (r) {
        if (r.status === 409) {
          document.getElementById("claim").textContent =
            "Your claim on this callback lapsed and someone else has it. Reload to see who.";
        }
      });
    }, every);
    window.addEventListener("pagehide", function () {
      var form = new FormData();
      form.append("csrf_token", csrf);
      navigator.sendBeacon(page.getAttribute("data-release"), form);
    });
    var button = document.getElementById("call-button");
    if (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        document.getElementById("call-status").textContent = "Ringing your phone…";
        post(page.getAttribute("data-call")).then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) { document.getElementById("call-status").textContent = body.error; }
            button.disabled = false;
          });
        });
      });
    }
  }
}());
