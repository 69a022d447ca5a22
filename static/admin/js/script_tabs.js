/* The translation tabs read 简体 / 繁體 instead of modeltranslation's language codes (ZH-HANS).
 *
 * modeltranslation labels each tab with the field's language code. The site names the two
 * scripts by their own names everywhere (the readers' switcher, the preview panes), so the tabs
 * do too. Runs after modeltranslation has built the tabs (on load) and again for every inline
 * form added later ("formset:added").
 */
"use strict";
(function () {
  const NAMES = { "zh-hans": "简体", "zh-hant": "繁體" };

  function relabel(root) {
    root.querySelectorAll(".ui-tabs-nav a").forEach((link) => {
      const name = NAMES[link.textContent.trim().toLowerCase()];
      if (name) {
        link.textContent = name;
        link.setAttribute("lang", name === "简体" ? "zh-Hans" : "zh-Hant");
      }
    });
  }

  window.addEventListener("load", () => relabel(document));
  document.addEventListener("formset:added", () => setTimeout(() => relabel(document), 0));
})();
