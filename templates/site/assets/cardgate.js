/* cardgate review site: accessible names that Material for MkDocs' search leaves out
   (axe-core: aria-dialog-name on the search dialog, label on its hidden toggle). Nothing
   else; the site works without it. */
(function () {
  "use strict";
  function name(selector, label) {
    var element = document.querySelector(selector);
    if (element && !element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", label);
    }
  }
  name(".md-search[role=dialog]", "Search this site");
  name("#__search", "Open search");
  name("#__drawer", "Open navigation");
})();
