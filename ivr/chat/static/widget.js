/* The National Careers Service webchat widget. Embed with one tag:
 *   <script src="https://HOST/chat/static/widget.js" defer></script>
 * Plain JavaScript, no build step. Every message is put on the page as text (textContent), never
 * as HTML. Only the session id is kept in sessionStorage, so a reload resumes the conversation;
 * the transcript is replayed from the server's event stream, which is the one source of what is
 * shown, except the customer's own typed lines while this page is open: the server keeps them
 * only redacted ("[postcode]"), so the page shows what the customer typed from memory. Nothing the
 * customer typed is written to the host website's storage (dates of birth, memorable numbers and
 * what they disclose would outlive the chat there); after a reload their lines show redacted.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-chat-base")) ||
    (script ? new URL(script.src, location.href).origin : location.origin);
  var STORE_ID = "ncsChatSession", STORE_OPEN = "ncsChatOpen", STORE_TYPED = "ncsChatTyped";
  var MAX_CHARS = 1000;
  var AUTHORS = { customer: "You", assistant: "National Careers Service", system: "National Careers Service" };
  var sessionId = read(STORE_ID), source = null, sending = Promise.resolve(), starting = null, ended = false;
  // What the customer typed, one entry per line they sent (null for a quick reply), in order.
  var typedLines = [], customerLines = 0;
  write(STORE_TYPED, null);  // a copy an earlier version of the widget kept goes

  function read(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  function write(key, value) {
    try { if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value); } catch (e) { /* private mode: the chat still works until reload */ }
  }
  function forgetTyped() { typedLines = []; customerLines = 0; }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var css = el("link", { rel: "stylesheet", href: base + "/chat/static/widget.css" });
  document.head.appendChild(css);

  var root = el("aside", { "class": "ncs-chat-root", "aria-label": "Webchat" });
  var launcher = el("button", { type: "button", "class": "ncs-chat-launcher", "aria-expanded": "false", "aria-controls": "ncs-chat-panel" }, "Chat with us");
  var panel = el("section", { id: "ncs-chat-panel", "class": "ncs-chat", "aria-labelledby": "ncs-chat-title", hidden: "" });
  var header = el("div", { "class": "ncs-chat-header" });
  var title = el("h2", { id: "ncs-chat-title", "class": "ncs-chat-title" }, "Webchat");
  var minimise = el("button", { type: "button", "class": "ncs-chat-minimise", "aria-label": "Minimise the chat" }, "Minimise");
  header.append(title, minimise);
  var intro = el("p", { "class": "ncs-chat-intro" }, "Talk to the National Careers Service. Please do not share personal details unless you are asked for them.");
  // The privacy notice and the other ways in (Relay UK, BSL): words and links from the server.
  var notices = el("ul", { "class": "ncs-chat-notices", "aria-label": "Your information and other ways to contact us" });
  var status = el("p", { "class": "ncs-chat-status", role: "status", "aria-live": "polite" });
  var log = el("div", { "class": "ncs-chat-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var replies = el("div", { "class": "ncs-chat-replies", role: "group", "aria-label": "Quick replies" });
  var form = el("form", { "class": "ncs-chat-form" });
  var label = el("label", { "for": "ncs-chat-input", "class": "ncs-chat-label" }, "Your message");
  var hint = el("p", { id: "ncs-chat-hint", "class": "ncs-chat-hint" }, "Press Enter to send, Shift and Enter for a new line. Up to 1,000 characters.");
  var input = el("textarea", { id: "ncs-chat-input", name: "message", rows: "2", maxlength: String(MAX_CHARS), "aria-describedby": "ncs-chat-hint", autocomplete: "off" });
  var send = el("button", { type: "submit", "class": "ncs-chat-send" }, "Send");
  form.append(label, hint, input, send);
  var error = el("p", { "class": "ncs-chat-error", role: "alert" });
  var actions = el("div", { "class": "ncs-chat-actions" });
  var download = el("button", { type: "button", "class": "ncs-chat-secondary" }, "Download the conversation");
  var end = el("button", { type: "button", "class": "ncs-chat-secondary" }, "End the chat");
  var restart = el("button", { type: "button", "class": "ncs-chat-secondary", hidden: "" }, "Start a new chat");
  actions.append(download, end, restart);
  // The satisfaction survey, shown once a sampled chat has ended (words from the server).
  var survey = el("div", { "class": "ncs-chat-survey", hidden: "" });
  panel.append(header, intro, notices, status, log, replies, form, error, survey, actions);
  root.append(launcher, panel);
  document.body.appendChild(root);

  function api(method, path, body) {
    return fetch(base + "/api/chat/sessions" + path, {
      method: method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.error || "Something went wrong. Please try again.");
          failure.status = response.status;
          throw failure;
        }
        return data;
      });
    });
  }

  function showError(message) { error.textContent = message || ""; }

  function showNotices() {
    fetch(base + "/api/chat/notices").then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) return;
      notices.textContent = "";
      var privacy = el("li");
      privacy.appendChild(el("a", { href: base + data.privacy.path, "class": "ncs-chat-privacy" }, data.privacy.text));
      notices.appendChild(privacy);
      (data.access || []).forEach(function (way) {
        var item = el("li", {}, way.text + " ");
        item.appendChild(el("a", { href: way.url }, way.link_text));
        notices.appendChild(item);
      });
    }).catch(function () { /* the chat works without them; the website's own pages carry them */ });
  }
  showNotices();

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    write(STORE_OPEN, "1");
    input.focus();
    if (!sessionId) start(); else if (!source) connect();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    write(STORE_OPEN, null);
    launcher.focus();
  }

  function start() {
    showError("");
    forgetTyped();
    starting = api("POST", "", null).then(function (data) {
      sessionId = data.session_id;
      write(STORE_ID, sessionId);
      connect();
    }).catch(function (failure) { starting = null; showError(failure.message); });
    return starting;
  }

  function connect() {
    if (source) source.close();
    log.textContent = "";
    replies.textContent = "";
    customerLines = 0;
    setEnded(false);
    source = new EventSource(eventsUrl());
    source.addEventListener("message", function (event) { addMessage(JSON.parse(event.data)); });
    source.addEventListener("status", function (event) { onStatus(JSON.parse(event.data)); });
    source.addEventListener("queue", function (event) { onQueue(JSON.parse(event.data)); });
    source.addEventListener("expired", forget);
    source.onerror = function () {
      // EventSource retries by itself; a closed one was refused, or cut off by a page reload.
      if (source && source.readyState === EventSource.CLOSED) setTimeout(probe, 1000);
    };
  }

  function probe() {
    // Ask once more: 404 means the chat has expired; anything else, connect again.
    if (!sessionId || ended) return;
    var abort = new AbortController();
    fetch(eventsUrl(), { signal: abort.signal }).then(function (response) {
      abort.abort();
      if (response.status === 404) forget(); else connect();
    }).catch(function () { setTimeout(probe, 5000); });
  }

  function eventsUrl() {
    return base + "/api/chat/sessions/" + encodeURIComponent(sessionId) + "/events";
  }

  function forget() {
    if (source) source.close();
    source = null;
    sessionId = null;
    starting = null;
    write(STORE_ID, null);
    forgetTyped();
    status.textContent = "This chat has expired. Send a message to start a new one.";
  }

  function addMessage(message) {
    var who = message.from === "adviser" ? "Adviser" : (AUTHORS[message.from] || "National Careers Service");
    var text = message.text;
    if (message.from === "customer") {
      var own = typedLines[customerLines++];
      if (own) text = own;  // the customer sees what they typed; the server keeps it redacted
    }
    if (text) {
      var item = el("div", { "class": "ncs-msg ncs-msg--" + message.from });
      item.append(el("span", { "class": "ncs-msg-who" }, who + ":"), el("p", { "class": "ncs-msg-text" }, text));
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }
    if (message.from === "customer" || (message.buttons && message.buttons.length)) showReplies(message.buttons || []);
  }

  function showReplies(buttons) {
    replies.textContent = "";
    buttons.forEach(function (button) {
      var choice = el("button", { type: "button", "class": "ncs-chat-reply" }, button.title);
      choice.addEventListener("click", function () { submit(button.payload, false); input.focus(); });
      replies.appendChild(choice);
    });
  }

  function onStatus(data) {
    if (data.state === "adviser") status.textContent = data.name ? "An adviser, " + data.name + ", is with you." : "An adviser is with you.";
    else if (data.state === "ended") { status.textContent = "The chat has ended."; setEnded(true); offerSurvey(); }
    else if (data.state !== "queued") status.textContent = "";
  }

  function onQueue(data) {
    var minutes = data.estimated_wait_minutes;
    var wait = minutes <= 1 ? "about a minute" : "about " + minutes + " minutes";
    status.textContent = "You are number " + data.position + " in the queue. Estimated wait: " + wait + ".";
  }

  function surveyUrl() {
    return "/" + encodeURIComponent(sessionId) + "/satisfaction";
  }

  function hideSurvey() { survey.textContent = ""; survey.hidden = true; }

  function offerSurvey() {
    // Asked of the server: only a sampled chat is offered it, and only until it is answered.
    if (!sessionId) return;
    api("GET", surveyUrl(), null).then(function (data) {
      if (data.offered && !data.answered) showSurvey(data.words);
    }).catch(function () { /* the chat is over either way; the survey is optional */ });
  }

  function choices(name, legendId, legendText, options) {
    var set = el("fieldset", { "class": "ncs-chat-choices" });
    set.appendChild(el("legend", { id: legendId }, legendText));
    options.forEach(function (option, i) {
      var id = "ncs-survey-" + name + "-" + i;
      var row = el("div", { "class": "ncs-chat-choice" });
      row.append(el("input", { type: "radio", id: id, name: name, value: String(option.value) }),
                 el("label", { "for": id }, option.label));
      set.appendChild(row);
    });
    return set;
  }

  function showSurvey(words) {
    hideSurvey();
    var rating = el("form", { "class": "ncs-chat-survey-form", "aria-labelledby": "ncs-survey-heading" });
    var heading = el("h3", { id: "ncs-survey-heading", "class": "ncs-chat-survey-heading", tabindex: "-1" }, words.heading);
    rating.append(heading,
                  el("p", { "class": "ncs-chat-hint" }, words.intro),
                  choices("score", "ncs-survey-score", words.score_question, words.score_labels),
                  choices("needed", "ncs-survey-needed", words.needed_question,
                          [{ value: "yes", label: words.yes }, { value: "no", label: words.no }]));
    var buttons = el("div", { "class": "ncs-chat-actions" });
    var submitAnswers = el("button", { type: "submit", "class": "ncs-chat-send" }, words.submit);
    var skip = el("button", { type: "button", "class": "ncs-chat-secondary" }, words.skip);
    buttons.append(submitAnswers, skip);
    rating.appendChild(buttons);
    survey.appendChild(rating);
    survey.hidden = false;
    function picked(name) {
      var chosen = rating.querySelector("input[name=" + name + "]:checked");
      return chosen ? chosen.value : null;
    }
    function answer(score, needed) {
      submitAnswers.disabled = skip.disabled = true;
      api("POST", surveyUrl(), { score: score, got_what_they_needed: needed }).then(function (data) {
        hideSurvey();
        status.textContent = data.text;  // said by the polite status region
        status.setAttribute("tabindex", "-1");
        status.focus();
      }).catch(function (failure) {
        submitAnswers.disabled = skip.disabled = false;
        showError(failure.message);
      });
    }
    rating.addEventListener("submit", function (event) {
      event.preventDefault();
      var score = picked("score"), needed = picked("needed");
      answer(score === null ? null : Number(score), needed === null ? null : needed === "yes");
    });
    skip.addEventListener("click", function () { answer(null, null); });
    // Ending the chat disabled the button that had the focus: the keyboard goes on at the survey,
    // unless the customer is elsewhere on the host page.
    var active = document.activeElement;
    if (!active || active === document.body || panel.contains(active)) heading.focus();
    else heading.scrollIntoView({ block: "nearest" });
  }

  function setEnded(value) {
    ended = value;
    input.disabled = send.disabled = end.disabled = value;
    restart.hidden = !value;
    if (value) { replies.textContent = ""; if (source) { source.close(); source = null; } }
  }

  function submit(text, typed) {
    text = (text || "").trim();
    if (!text) return;
    if (text.length > MAX_CHARS) { showError("Please keep your message to 1,000 characters or fewer."); return; }
    if (!sessionId && !starting) start();
    if (typed) input.value = "";
    showError("");
    // Messages go one after another, in the order the customer sent them, once the chat exists.
    var line = -1;
    sending = sending.then(function () { return starting; }).then(function () {
      if (!sessionId) throw new Error("The chat could not start. Please try again.");
      line = typedLines.push(typed ? text : null) - 1;
      return api("POST", "/" + encodeURIComponent(sessionId) + "/messages", { text: text });
    }).catch(function (failure) {
      if (line >= 0 && failure.status) { typedLines.splice(line, 1); }
      if (failure.status === 404) forget();
      if (typed && !input.value) input.value = text;
      showError(failure.message);
    });
  }

  function transcriptText() {
    var lines = ["National Careers Service webchat", "Downloaded " + new Date().toLocaleString("en-GB"), ""];
    Array.prototype.forEach.call(log.querySelectorAll(".ncs-msg"), function (item) {
      lines.push(item.querySelector(".ncs-msg-who").textContent + " " + item.querySelector(".ncs-msg-text").textContent);
    });
    return lines.join("\n") + "\n";
  }

  launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  minimise.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(input.value, true); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); submit(input.value, true); }
  });
  end.addEventListener("click", function () {
    if (!sessionId || ended) return;
    api("DELETE", "/" + encodeURIComponent(sessionId), null).catch(function (failure) { showError(failure.message); });
  });
  restart.addEventListener("click", function () {
    write(STORE_ID, null);
    forgetTyped();
    sessionId = null;
    starting = null;
    status.textContent = "";
    hideSurvey();
    setEnded(false);
    log.textContent = "";
    start();
    input.focus();
  });
  download.addEventListener("click", function () {
    var link = el("a", { href: URL.createObjectURL(new Blob([transcriptText()], { type: "text/plain" })), download: "webchat-conversation.txt" });
    document.body.appendChild(link);
    link.click();
    link.remove();
  });

  if (sessionId && read(STORE_OPEN)) { panel.hidden = false; launcher.setAttribute("aria-expanded", "true"); connect(); }
})();
