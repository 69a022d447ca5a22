/* The translation tabs read 简体 / 繁體 instead of modeltranslation's language codes (ZH-HANS).
 *
 * modeltranslation labels each tab with the field's language code. The site names the two
 * scripts by their own names everywhere (the readers' switcher, the preview panes), so the tabs
 * do too. modeltranslation builds the tabs in a jQuery ready handler (which may run after the
 * window's load event) and again for every inline form added later, so a MutationObserver
 * relabels whatever tabs appear, whenever they appear.
 */
"use strict";
(function () {
  const NAMES = { "zh-hans": "简体", "zh-hant": "繁體" };

  function relabel(root) {
    // The tabs of every field, and the switch beside the page title that turns them all.
    root.querySelectorAll(".ui-tabs-nav a, #modeltranslation-main-switch option").forEach((link) => {
      const name = NAMES[link.textContent.trim().toLowerCase()];
      if (name) {
        link.textContent = name;
        link.setAttribute("lang", name === "简体" ? "zh-Hans" : "zh-Hant");
      }
    });
  }

  function start() {
    relabel(document);
    new MutationObserver(() => relabel(document)).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
