/* Pickers: every <select data-picker> becomes a Tom Select, searched without diacritics
   (đ → d, as lib/text.py fold does) on the label and its hint (old names, dates). Options
   too many to render are fetched from data-url (?q=…, 20 at a time). */
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐðÐɖƉ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function words(text) {
    return fold(text).replace(/[^a-z0-9]+/g, " ").trim();
  }
  // every word typed must start a word of the label or its hint ("ha noi" finds "Hà Nội",
  // not "Tháng"); the label's own words rank first
  function score(search) {
    var typed = words(search).split(" ").filter(Boolean);
    return function (item) {
      if (!typed.length) return 1;
      var hay = " " + words(item.fold || item.text + " " + (item.hint || "")) + " ";
      var label = " " + words(item.text) + " ";
      var inLabel = 0;
      for (var i = 0; i < typed.length; i++) {
        if (hay.indexOf(" " + typed[i]) < 0) return 0;
        if (label.indexOf(" " + typed[i]) >= 0) inLabel++;
      }
      return 1 + inLabel / typed.length;
    };
  }
  var render = {
    option: function (d, escape) {
      return "<div>" + escape(d.text) +
        (d.hint ? '<div class="picker-hint">' + escape(d.hint) + "</div>" : "") + "</div>";
    },
    item: function (d, escape) { return "<div>" + escape(d.text) + "</div>"; },
    no_results: function () { return '<div class="no-results">Không tìm thấy.</div>'; },
    loading: function () { return '<div class="spinner" aria-label="Đang tìm…"></div>'; },
  };
  function init(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var url = select.dataset.url;
    var settings = {
      valueField: "value", labelField: "text", searchField: ["fold"],
      score: score, render: render, maxOptions: 50,
      placeholder: select.dataset.placeholder || "Gõ để tìm…",
      // an optional choice can be emptied again (×); several choices each have their ×
      plugins: select.multiple ? ["remove_button"] : (select.required ? [] : ["clear_button"]),
      onInitialize: function () {
        // the hint and folded text of server-rendered options are data- attributes
        var self = this;
        Array.prototype.forEach.call(select.options, function (o) {
          var opt = self.options[o.value];
          if (opt) { opt.fold = o.dataset.fold; opt.hint = o.dataset.hint; }
        });
      },
    };
    if (url) {
      settings.shouldLoad = function (q) { return q.length > 0; };
      settings.load = function (q, callback) {
        var sep = url.indexOf("?") < 0 ? "?" : "&";
        fetch(url + sep + "q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (j) { callback(j.results); })
          .catch(function () { callback(); });
      };
    }
    // Tom Select moves the label's "for" to its own input (the combobox people use): the
    // <select> it hides keeps a name (axe: select-name) and leaves the accessibility tree,
    // so a screen reader meets one "Chiến dịch" combobox, not two
    if (!select.getAttribute("aria-label") && select.id) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (label) select.setAttribute("aria-label", label.textContent.trim());
    }
    var picker = new TomSelect(select, settings);
    // Tom Select redraws the list 300 ms after the last key; when an option is chosen (or
    // the list closed) before that, the late redraw would reopen the list, now unfiltered,
    // over whatever the person touches next
    function dropLateRedraw() {
      if (picker.refreshTimeout) {
        window.clearTimeout(picker.refreshTimeout);
        picker.refreshTimeout = null;
      }
    }
    picker.on("item_add", dropLateRedraw);
    picker.on("dropdown_close", dropLateRedraw);
    select.setAttribute("aria-hidden", "true");
  }
  function initAll() {
    document.querySelectorAll("select[data-picker]").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
