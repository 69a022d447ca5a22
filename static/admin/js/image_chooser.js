/* The article form's image chooser: search the image library, click an image to insert
   [[File:名称]] at the cursor of the text area last used (the lead when none was).
   A static file because the CSP allows scripts from this site only; labels come from
   data attributes that the template translates. */
function initImageChooser() {
  "use strict";
  var root = document.getElementById("image-chooser");
  if (!root) { return; }
  var lastArea = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") { lastArea = event.target; }
  });

  var title = document.createElement("h2");
  title.textContent = root.dataset.title;
  var search = document.createElement("input");
  search.type = "search";
  search.className = "image-chooser-search";
  search.placeholder = root.dataset.placeholder;
  search.setAttribute("aria-label", root.dataset.placeholder);
  var list = document.createElement("ul");
  list.className = "image-chooser-results";
  var status = document.createElement("p");
  status.className = "help";
  status.setAttribute("role", "status");
  root.append(title, search, status, list);

  function target() {
    if (lastArea && document.body.contains(lastArea)) { return lastArea; }
    return document.querySelector("textarea[name^='lead']");
  }

  function insert(markup) {
    var area = target();
    if (!area) { return; }
    var start = area.selectionStart || 0, end = area.selectionEnd || 0;
    area.value = area.value.slice(0, start) + markup + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + markup.length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
    status.textContent = root.dataset.inserted + " " + markup;
  }

  function show(results) {
    list.replaceChildren();
    results.forEach(function (image) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "image-chooser-item";
      button.dataset.markup = image.markup;
      button.title = image.caption || image.name;
      if (image.thumbnail) {
        var img = document.createElement("img");
        img.src = image.thumbnail;
        img.alt = "";
        img.width = 80;
        button.append(img);
      }
      var label = document.createElement("span");
      label.textContent = image.name;
      button.append(label);
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { insert(image.markup); });
      item.append(button);
      list.append(item);
    });
    status.textContent = results.length ? "" : root.dataset.empty;
  }

  var timer = null;
  function load() {
    var url = root.dataset.url + "?q=" + encodeURIComponent(search.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { show(data.results); });
  }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
}

// The admin loads form media in <head>, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", initImageChooser);
} else {
  initImageChooser();
}
