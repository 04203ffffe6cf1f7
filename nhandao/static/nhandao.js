// Progressive help for keyboards: a table that scrolls sideways inside its own box (on a
// phone) can be focused and scrolled with the arrow keys, and says so to screen readers.
(function () {
  function markScrollable() {
    document.querySelectorAll("main table, main .table-wrap").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (box.tagName !== "TABLE") {  // a table keeps its own role; its wrapper becomes a region
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", "Bảng (cuộn ngang để xem thêm)");
        }
        box.dataset.scrollMarked = "1";
      } else if (!scrolls && box.dataset.scrollMarked) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollMarked;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollable);

  // The menu's groups are <details>: one open at a time; Escape or a click elsewhere closes it.
  function closeMenuGroups(except) {
    document.querySelectorAll("details.menu-group[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.matches && e.target.matches("details.menu-group") && e.target.open) closeMenuGroups(e.target);
  }, true);
  document.addEventListener("click", function (e) {
    if (!e.target.closest("details.menu-group")) closeMenuGroups(null);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("details.menu-group[open]");
    if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
  });
  window.addEventListener("resize", markScrollable);
  document.addEventListener("htmx:afterSettle", markScrollable);
})();
