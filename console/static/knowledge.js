// The knowledge panel: search as you type (debounced), read an article, and Insert its
// customer-facing words and link into the reply box to edit. Nothing here ever sends a reply.
(function () {
  "use strict";
  const panel = document.getElementById("knowledge");
  if (!panel) return;
  const $ = (id) => document.getElementById(id);
  const input = $("knowledge-search");
  const list = $("knowledge-results");
  const status = $("knowledge-status");
  const DEBOUNCE_MS = 250;
  let timer = null;
  let asked = 0; // the latest request: an older answer arriving late is dropped

  function say(text) { if (status.textContent !== text) status.textContent = text; }

  function target() { return document.getElementById(panel.dataset.knowledgeTarget); }

  // A reply box inside something hidden (no chat open) cannot take an insert.
  function usable(box) { return box && !box.closest("[hidden]") && !box.disabled; }

  function node(tag, text, className) {
    const element = document.createElement(tag);
    if (text != null) element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  // The article's body, as plain text in headings, paragraphs and lists (never as HTML).
  function articleBody(blocks) {
    const body = node("div", null, "article");
    for (const block of blocks) {
      if (block.kind === "heading") body.append(node("h4", block.text));
      else if (block.kind === "list") {
        const ul = node("ul");
        for (const item of block.items) ul.append(node("li", item));
        body.append(ul);
      } else body.append(node("p", block.text));
    }
    return body;
  }

  function insert(result) {
    const box = target();
    if (!usable(box)) { say("Open a conversation first: the article goes into its reply box."); return; }
    const joiner = panel.dataset.knowledgeJoin === "paragraph" ? "\n\n" : " ";
    const before = box.value.trimEnd();
    const text = before ? before + joiner + result.insert : result.insert;
    if (box.maxLength > 0 && text.length > box.maxLength) {
      say("That would make your reply longer than " + box.maxLength + " characters: shorten it first.");
      return;
    }
    box.value = text;
    box.dispatchEvent(new Event("input", {bubbles: true}));
    box.focus();
    box.setSelectionRange(text.length, text.length);
    say("Added " + result.title + " to your reply. Read and edit it, then send.");
  }

  function render(results) {
    list.replaceChildren();
    for (const result of results) {
      const item = node("li");
      item.dataset.article = result.id;
      const heading = node("h3", result.title);
      heading.id = "knowledge-" + result.id;
      item.append(heading);
      const topic = node("p", result.topic_label, "topic");
      if (result.review_due) topic.append(" · ", node("span", "Review due", "due"));
      item.append(topic, node("p", result.snippet));
      if (result.link) {
        const p = node("p");
        const a = node("a", result.link);
        a.href = result.link; a.target = "_blank"; a.rel = "noopener noreferrer";
        p.append(a);
        item.append(p);
      }
      const details = node("details");
      const summary = node("summary", "Read the article");
      summary.append(node("span", ": " + result.title, "visually-hidden"));
      details.append(summary, articleBody(result.blocks));
      item.append(details);
      if (result.insert) {
        const button = node("button", "Insert into reply", "secondary");
        button.type = "button";
        button.append(node("span", ": " + result.title, "visually-hidden"));
        button.addEventListener("click", () => insert(result));
        item.append(button);
      }
      list.append(item);
    }
  }

  async function search(query, id) {
    let response;
    try {
      response = await fetch("/console/api/knowledge?q=" + encodeURIComponent(query),
                             {credentials: "same-origin", headers: {"Accept": "application/json"}});
    } catch (error) { if (id === asked) say("The search is not available just now."); return; }
    if (response.redirected || response.status === 401) { window.location = "/console/login"; return; }
    const data = await response.json().catch(() => ({}));
    if (id !== asked) return;
    if (!response.ok) { render([]); say(data.error || "The search is not available just now."); return; }
    render(data.results);
    const n = data.results.length;
    say(n === 0 ? "No articles found for " + query : n + (n === 1 ? " article" : " articles") + " found for " + query);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    const id = ++asked;
    if (!query) { render([]); say(""); return; }
    timer = setTimeout(() => search(query, id), DEBOUNCE_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {  // from the box to the first result
      const first = list.querySelector("button, summary, a");
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      input.dispatchEvent(new Event("input"));
    }
  });

  $("knowledge-form").addEventListener("submit", (event) => {  // Enter searches at once
    event.preventDefault();
    clearTimeout(timer);
    const query = input.value.trim();
    if (query) search(query, ++asked);
  });
})();
