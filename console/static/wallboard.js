// The wallboard: reads its figures with this screen's own token, every 5 seconds.
// The token arrives once after '#' in the address an administrator gave; it is kept in this
// screen's local storage and taken out of the address bar, so it never reaches a server log.
(function () {
  "use strict";
  var KEY = "ct-wallboard-token";
  var POLL_MS = 5000;
  var fragment = new URLSearchParams(window.location.hash.slice(1));
  if (fragment.get("token")) {
    window.localStorage.setItem(KEY, fragment.get("token"));
    window.history.replaceState(null, "", window.location.pathname);
  }
  var token = window.localStorage.getItem(KEY);

  function text(id, value) { document.getElementById(id).textContent = value; }
  function percent(value) { return value === null ? "–" : Math.round(value * 100) + "%"; }
  function wait(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m ? m + " min " + (s < 10 ? "0" : "") + s + " s" : s + " s";
  }
  function problem(message) {
    var box = document.getElementById("wall-problem");
    box.hidden = !message;
    box.textContent = message || "";
  }
  function cell(row, value, className) {
    var td = document.createElement("td");
    td.textContent = value;
    if (className) { td.className = className; }
    row.appendChild(td);
  }
  function draw(board) {
    text("wall-as-of", board.as_of);
    text("wall-waiting", board.waiting);
    text("wall-service-level", percent(board.service_level));
    text("wall-service-target", "Target " + percent(board.service_level_target));
    var safe = board.safeguarding;
    text("wall-safeguarding-waiting", safe.waiting);
    text("wall-safeguarding-alerts", safe.open_alerts + " open alert" +
      (safe.open_alerts === 1 ? "" : "s") + (safe.overdue_alerts ? ", " + safe.overdue_alerts +
      " not acknowledged in time" : ""));
    document.getElementById("wall-safeguarding").classList.toggle(
      "attention", safe.waiting > 0 || safe.overdue_alerts > 0);
    var body = document.getElementById("wall-queues");
    body.textContent = "";
    board.queues.forEach(function (queue) {
      var row = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = queue.name;
      row.appendChild(th);
      cell(row, queue.waiting, "number");
      cell(row, queue.waiting ? wait(queue.longest_wait_seconds) : "–", "number");
      cell(row, percent(queue.service_level) + (queue.breached ? " (below " +
        percent(queue.service_level_target) + ")" : ""), queue.breached ? "number breached" : "number");
      body.appendChild(row);
    });
  }
  function poll() {
    if (!token) {
      problem("This screen has no wallboard token. Ask an administrator for the wallboard's address.");
      return;
    }
    fetch(document.getElementById("main").dataset.api, { headers: { Authorization: "Bearer " + token }, cache: "no-store" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) { problem(result.body.error); return; }
        problem("");
        draw(result.body);
      })
      .catch(function () { problem("The wallboard cannot reach the contact centre just now; retrying."); })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }
  poll();
})();
