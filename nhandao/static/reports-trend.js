// The report page's monthly trend (Chart.js, vendored): one line per money indicator, data
// from the json_script the view wrote.
(function () {
  var data = JSON.parse(document.getElementById("report-trend-data").textContent);
  var money = new Intl.NumberFormat("vi-VN");
  var colours = ["#b40d28", "#1f5f99", "#2e7d32", "#8a5a00", "#6a1b9a", "#555555"];
  new Chart(document.getElementById("report-trend"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        var c = colours[i % colours.length];
        return { label: s.name, data: s.values, borderColor: c, backgroundColor: c, tension: 0.2 };
      }),
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + money.format(c.parsed.y) + " " + data.unit; } } },
      },
      scales: { y: { ticks: { callback: function (v) { return money.format(v); } } } },
    },
  });
})();
