/* The adviser page: queue counts, take the next chat, read it live, reply and end it.
 * Every line is shown with textContent, never as HTML. */
(function () {
  "use strict";
  var HEADER = document.body.getAttribute("data-header");
  var chatId = null, source = null;
  var $ = function (id) { return document.getElementById(id); };
  var notice = $("notice"), log = $("log"), section = $("chat"), input = $("reply-text");
  var NAMES = { customer: "Customer", assistant: "Assistant", system: "System", adviser: "You" };

  function call(method, path, body) {
    var headers = { Accept: "application/json" };
    headers[HEADER] = "1";
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, credentials: "same-origin",
      body: body ? JSON.stringify(body) : undefined }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "Something went wrong");
        return data;
      });
    });
  }

  function refreshQueues() {
    call("GET", "/adviser/api/queues").then(function (data) {
      Object.keys(data.queues).forEach(function (queue) {
        var cell = document.querySelector('[data-queue="' + queue + '"]');
        if (cell) cell.textContent = String(data.queues[queue]);
      });
      if (data.current && !chatId) show(data.current);
    }).catch(function () { /* the next refresh tries again */ });
  }

  function line(entry) {
    if (!entry.text) return;
    var p = document.createElement("p");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = (NAMES[entry.from] || entry.from) + ": ";
    p.append(who, document.createTextNode(entry.text));
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
  }

  function summary(data) {
    var list = $("summary");
    list.textContent = "";
    var rows = [["Queue", data.queue || "none"], ["Destination", data.summary.destination || "not triaged"],
      ["Priority groups", data.summary.priority_groups.join(", ") || "none"],
      ["Why", data.summary.notes.join("; ") + " (" + data.summary.reasons.join(", ") + ")"]];
    rows.forEach(function (row) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = row[0]; dd.textContent = row[1];
      list.append(dt, dd);
    });
  }

  function show(id) {
    chatId = id;
    call("GET", "/adviser/api/chats/" + encodeURIComponent(id)).then(function (data) {
      summary(data);
      section.hidden = false;
      log.textContent = "";
      if (source) source.close();
      source = new EventSource("/adviser/api/chats/" + encodeURIComponent(id) + "/events");
      source.addEventListener("message", function (event) { line(JSON.parse(event.data)); });
      source.addEventListener("status", function (event) {
        if (JSON.parse(event.data).state === "ended") finish("The chat has ended.");
      });
      input.focus();
    }).catch(function (error) { notice.textContent = error.message; chatId = null; });
  }

  function finish(message) {
    if (source) source.close();
    source = null;
    chatId = null;
    notice.textContent = message;
    input.disabled = true;
    $("take").focus();
  }

  $("take").addEventListener("click", function () {
    if (chatId) { notice.textContent = "Finish your current chat first."; return; }
    call("POST", "/adviser/api/take").then(function (data) {
      if (!data) { notice.textContent = "Nobody is waiting just now."; return; }
      input.disabled = false;
      notice.textContent = "You have taken a chat.";
      show(data.session_id);
    }).catch(function (error) { notice.textContent = error.message; });
  });

  $("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || !chatId) return;
    call("POST", "/adviser/api/chats/" + encodeURIComponent(chatId) + "/messages", { text: text })
      .then(function () { input.value = ""; input.focus(); })
      .catch(function (error) { notice.textContent = error.message; });
  });

  $("end").addEventListener("click", function () {
    if (!chatId) return;
    call("POST", "/adviser/api/chats/" + encodeURIComponent(chatId) + "/end")
      .then(function () { finish("You ended the chat."); })
      .catch(function (error) { notice.textContent = error.message; });
  });

  refreshQueues();
  setInterval(refreshQueues, 3000);
})();
