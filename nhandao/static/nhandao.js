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
  window.addEventListener("resize", markScrollable);
  document.addEventListener("htmx:afterSettle", markScrollable);
})();
