// The home page's chart (Chart.js, vendored): data from the json_script the view wrote.
(function () {
  var data = JSON.parse(document.getElementById("home-chart-data").textContent);
  var money = new Intl.NumberFormat("vi-VN");
  new Chart(document.getElementById("home-chart"), {
    type: data.kind,
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s) {
        return { label: s.name, data: s.values, backgroundColor: "#b40d28" };
      }),
    },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { display: data.series.length > 1 },
        tooltip: { callbacks: { label: function (c) { return money.format(c.parsed.y) + " " + data.unit; } } },
      },
      scales: { y: { ticks: { callback: function (v) { return money.format(v); } } } },
    },
  });
})();
