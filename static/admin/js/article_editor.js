/* The article form's editors' tools (articles/editing.py serves the data):
   - live preview of both scripts, rendered by the server's public renderer, refreshed 400 ms after
     the editor stops typing;
   - conversion review: every character the converter had to guess is highlighted with the
     alternatives; "固定此处" writes -{zh-hans:X;zh-hant:Y}- into the text, the glossary buttons add a term;
   - typing [[ in a text area suggests article titles (either script) at the caret, chosen with the
     arrow keys and Enter (Escape closes), inserted in the field's script.
   A static file because the CSP allows scripts from this site only; server HTML is already
   sanitised, and titles are inserted as text. */
function initArticleEditor() {
  "use strict";
  var root = document.getElementById("editor-preview");
  var form = document.getElementById("article_form");
  if (!root || !form) { return; }
  var panes = root.querySelectorAll(".preview-pane");
  var reviewList = root.querySelector(".review-list");
  var reviewCount = root.querySelector(".review-count");
  var timer = null, inFlight = null, pending = false;

  /* Each pane shows the article in a shadow root with the reader's stylesheet: it looks like the
     public page, and neither the admin's styles nor the reader's leak across. */
  function paneBody(pane) {
    if (!pane.shadowRoot) {
      var shadow = pane.attachShadow({ mode: "open" });
      var sheet = document.createElement("link");
      sheet.rel = "stylesheet";
      sheet.href = root.dataset.readerCss;
      var body = document.createElement("div");
      body.className = "page preview-page";
      shadow.append(sheet, body);
    }
    return pane.shadowRoot.querySelector(".preview-page");
  }

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function refresh() {
    if (inFlight) { pending = true; return; }
    var data = new FormData(form);
    // The scripts' panes and the regional ones the editor opened: each pane is a full render.
    panes.forEach(function (pane) {
      var folded = pane.closest("details");
      if (!folded || folded.open) { data.append("variants", pane.dataset.script); }
    });
    inFlight = fetch(root.dataset.url, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      // 400: a text beyond the model's limits; the server says which, and nothing was rendered.
      if (response.status === 400) {
        return response.json().then(function (result) { throw new Error(result.error); });
      }
      if (!response.ok) { throw new Error(""); }
      return response.json();
    }).then(function (result) {
      panes.forEach(function (pane) {
        if (pane.dataset.script in result) { paneBody(pane).innerHTML = result[pane.dataset.script]; }
      });
      reviewList.innerHTML = result.review;
      reviewCount.textContent = "(" + result.unreviewed + ")";
      showWarnings(result.warnings || []);
      root.dataset.ready = "1";
    }).catch(function (error) {
      reviewCount.textContent = (error && error.message) || root.dataset.error;
    }).finally(function () {
      inFlight = null;
      if (pending) { pending = false; refresh(); }
    });
  }

  // Wikitext typed by habit ('''粗體''', <ref>, {{cite}} …): the server finds it (articles/wikitext.py)
  // and says what to write instead; shown beside the markup help, as text.
  var warningList = document.getElementById("wikitext-warnings");
  function showWarnings(warnings) {
    if (!warningList) { return; }
    warningList.textContent = "";
    warnings.forEach(function (warning) {
      var item = document.createElement("li");
      item.textContent = warning;
      warningList.appendChild(item);
    });
  }

  root.querySelectorAll("details.preview-variant").forEach(function (folded) {
    folded.addEventListener("toggle", function () { if (folded.open) { refresh(); } });
  });

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  form.addEventListener("input", function (event) {
    if (event.target.closest("#editor-preview")) { return; }
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (!event.target.closest("#editor-preview")) { schedule(); }
  });

  var status = root.querySelector(".review-status");
  function say(message) { status.textContent = message; }

  function fieldFor(choice) {
    var item = choice.closest(".review-field");
    var suffix = item.dataset.source === "zh-hant" ? "_zh_hant" : "_zh_hans";
    return form.querySelector("[name='" + item.dataset.field + suffix + "']");
  }

  function postTerm(body, button) {
    body.append("scope", button.dataset.scope);
    fetch(root.dataset.termUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).then(function (response) { return response.json(); }).then(function (result) {
      reviewCount.textContent = result.ok ? root.dataset.termAdded + result.term : result.error;
    });
  }

  /* Regional vocabulary (软件 → 軟體 in zh-tw): keep the word as written with a -{…}- pin, or record
     the variant's form as a glossary term. */
  function regionalClick(button, choice) {
    var written = choice.dataset.written;
    if (button.classList.contains("regional-keep")) {
      var item = choice.closest(".review-field");
      var suffix = item.dataset.source === "zh-hant" ? "_zh_hant" : "_zh_hans";
      var field = form.querySelector("[name='" + item.dataset.field + suffix + "']");
      var offset = parseInt(choice.dataset.offset, 10);
      if (!field || field.value.substr(offset, written.length) !== written) { refresh(); return; }
      var markup = "-{zh-hans:" + choice.dataset.hans + ";zh-hant:" + choice.dataset.hant + "}-";
      field.value = field.value.slice(0, offset) + markup + field.value.slice(offset + written.length);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    if (button.classList.contains("regional-term")) {
      var body = new FormData();
      body.append("hans", choice.dataset.hans);
      body.append("hant", choice.dataset.hant);
      body.append("variant", choice.dataset.variant);
      body.append("form", choice.querySelector("select").value);
      postTerm(body, button);
    }
  }

  reviewList.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    var regional = button.closest(".regional-choice");
    if (regional) { regionalClick(button, regional); return; }
    var choice = button.closest(".review-choice");
    var source = choice.closest(".review-field").dataset.source;
    var chosen = choice.querySelector("select").value;
    var character = choice.dataset.char;
    if (button.classList.contains("review-pin")) {
      var field = fieldFor(choice);
      var offset = parseInt(choice.dataset.offset, 10);
      // Offsets count the text as stored and as the text area holds it (line breaks as \n).
      if (!field) { say(root.dataset.pinNoField); return; }
      if (field.value.substr(offset, character.length) !== character) {
        say(root.dataset.pinMoved.replace("%s", character));
        refresh();
        return;
      }
      var markup = source === "zh-hant"
        ? "-{zh-hans:" + chosen + ";zh-hant:" + character + "}-"
        : "-{zh-hans:" + character + ";zh-hant:" + chosen + "}-";
      field.value = field.value.slice(0, offset) + markup + field.value.slice(offset + character.length);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      say(root.dataset.pinned.replace("%s", character + " → " + chosen));
      return;
    }
    if (button.classList.contains("review-term")) {
      var index = parseInt(choice.dataset.wordIndex, 10);
      var target = Array.from(choice.dataset.wordTarget);
      target[index] = chosen;
      var body = new FormData();
      var word = choice.dataset.wordSource;
      body.append(source === "zh-hant" ? "hant" : "hans", word);
      body.append(source === "zh-hant" ? "hans" : "hant", target.join(""));
      postTerm(body, button);
    }
  });

  /* [[ title suggestions */
  var list = document.createElement("ul");
  list.className = "title-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  document.body.appendChild(list);
  var active = null, partial = null, suggestTimer = null;

  function scriptOf(area) { return /_zh_hant$/.test(area.name) ? "zh-hant" : "zh-hans"; }

  function hide() {
    list.hidden = true;
    list.textContent = "";
    highlighted = -1;
    if (active) { active.removeAttribute("aria-activedescendant"); }
  }

  function choose(title) {
    if (!active || !partial) { return; }
    var end = active.selectionStart;
    var start = end - partial.length;
    var after = active.value.slice(end);
    var closing = after.indexOf("]]") === 0 ? "" : "]]";
    active.value = active.value.slice(0, start) + title + closing + after;
    active.selectionStart = active.selectionEnd = start + title.length + 2;
    hide();
    active.focus();
    active.dispatchEvent(new Event("input", { bubbles: true }));
  }

  var highlighted = -1;

  function highlight(index) {
    var items = list.children;
    if (!items.length) { return; }
    highlighted = (index + items.length) % items.length;
    Array.prototype.forEach.call(items, function (item, i) {
      item.setAttribute("aria-selected", i === highlighted ? "true" : "false");
      item.classList.toggle("active", i === highlighted);
    });
    if (active) { active.setAttribute("aria-activedescendant", items[highlighted].id); }
  }

  // The list opens under the caret (textarea-caret measures it through a mirror element), not
  // under the whole text area: in a long body the text area's bottom can be far from the [[.
  function placeUnderCaret(area) {
    var box = area.getBoundingClientRect();
    var caret = window.getCaretCoordinates(area, area.selectionStart);
    var left = box.left + caret.left - area.scrollLeft;
    // caret.height is NaN when the line height is "normal": then the font size says it.
    var lineHeight = caret.height || parseFloat(window.getComputedStyle(area).fontSize) * 1.4;
    var top = box.top + caret.top - area.scrollTop + lineHeight + 2;
    list.style.left = (window.scrollX + Math.min(left, document.documentElement.clientWidth - list.offsetWidth - 4)) + "px";
    list.style.top = (window.scrollY + Math.min(Math.max(top, box.top), box.bottom)) + "px";
  }

  function suggest(area) {
    var before = area.value.slice(0, area.selectionStart);
    var match = /\[\[([^\[\]|\n]{1,40})$/.exec(before);
    if (!match) { hide(); return; }
    active = area;
    partial = match[1];
    var url = root.dataset.suggestUrl + "?q=" + encodeURIComponent(partial) + "&script=" + scriptOf(area);
    fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); })
      .then(function (result) {
        list.textContent = "";
        (result.titles || []).forEach(function (title, index) {
          var item = document.createElement("li");
          item.setAttribute("role", "option");
          item.id = "title-suggestion-" + index;
          item.textContent = title;
          item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(title); });
          list.appendChild(item);
        });
        if (!list.children.length) { hide(); return; }
        list.hidden = false;
        placeUnderCaret(area);
        highlight(0);
      });
  }

  form.addEventListener("input", function (event) {
    var area = event.target;
    if (area.tagName !== "TEXTAREA") { return; }
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () { suggest(area); }, 150);
  });
  // Arrow keys move through the suggestions, Enter (or Tab) inserts the highlighted one, Escape
  // closes the list; with the list closed every key does what it does in a text area.
  form.addEventListener("keydown", function (event) {
    if (list.hidden || event.target !== active) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(highlighted + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      event.preventDefault();
      hide();
    } else if ((event.key === "Enter" || event.key === "Tab") && list.children[highlighted]) {
      event.preventDefault();
      choose(list.children[highlighted].textContent);
    }
  });
  // Hide once focus has really left the text area (a focusout from the script tab that was just
  // clicked must not hide suggestions that arrived meanwhile).
  document.addEventListener("focusout", function () {
    setTimeout(function () { if (document.activeElement !== active) { hide(); } }, 200);
  });

  /* After a validation error or an edit conflict the form comes back with the script tab the editor
     was in for each field (modeltranslation's tabs would open 简体 everywhere). */
  form.addEventListener("submit", function () {
    var input = form.querySelector("input[name=editor_tabs]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "editor_tabs";
      form.appendChild(input);
    }
    input.value = Array.from(form.querySelectorAll(".ui-tabs-active a[href^='#tab_']"))
      .map(function (link) { return link.getAttribute("href"); }).join(" ");
  });
  function restoreTabs() {
    (root.dataset.tabs || "").split(" ").forEach(function (href) {
      if (!/^#tab_[\w-]+$/.test(href)) { return; }
      var link = form.querySelector("a[href='" + href + "']");
      if (link && !link.closest(".ui-tabs-active")) { link.click(); }
    });
  }
  // modeltranslation builds the tabs in a jQuery ready handler (run asynchronously, possibly after
  // "load"): queue behind it on the same jQuery.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () { setTimeout(restoreTabs, 0); });
  } else {
    window.addEventListener("load", restoreTabs);
  }

  refresh();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", initArticleEditor);
} else {
  initArticleEditor();
}
