// The dashboard: /api/analytics drawn with ECharts (served from npm's package, not a CDN).
(function () {
  const holder = document.getElementById("figures");
  if (!holder) return;
  if (!window.echarts) {
    holder.textContent = "图表库还没有构建：请在项目目录运行 make console-web，然后刷新本页。";
    return;
  }
  const days = holder.dataset.days || "30";
  const percent = (share) => (share === null || share === undefined ? "—" : Math.round(share * 1000) / 10 + "%");
  const figure = (label, value) => {
    const box = document.createElement("div");
    box.className = "figure";
    const number = document.createElement("b");
    number.textContent = value;
    box.append(number, label);
    holder.appendChild(box);
  };
  const chart = (id, option) => {
    const element = document.getElementById(id);
    const drawn = window.echarts.init(element, null, { renderer: "canvas" });
    drawn.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 48, right: 24, top: 36, bottom: 48 },
      ...option });
    window.addEventListener("resize", () => drawn.resize());
    element.dataset.drawn = "1";
  };
  const rates = (groups, names) => {
    const keys = Object.keys(groups);
    return { xAxis: { type: "category", data: keys.map((k) => names[k] || k), axisLabel: { interval: 0, rotate: keys.length > 4 ? 30 : 0 } },
      yAxis: [{ type: "value", name: "对话" }, { type: "value", name: "自助解决率", max: 1, axisLabel: { formatter: (v) => v * 100 + "%" } }],
      legend: { top: 0 },
      series: [{ name: "对话", type: "bar", data: keys.map((k) => groups[k].conversations) },
        { name: "自助解决", type: "bar", data: keys.map((k) => groups[k].contained) },
        { name: "自助解决率", type: "line", yAxisIndex: 1, data: keys.map((k) => groups[k].containment_rate) }] };
  };
  fetch("/api/analytics?days=" + encodeURIComponent(days), { credentials: "same-origin" })
    .then((answer) => { if (answer.status === 401) { window.location.href = "/login?next=/dashboard"; } return answer.json(); })
    .then((a) => {
      if (a.error) { figure("出错了", a.error); return; }
      const names = a.names || {};
      figure("对话", a.conversations);
      figure("自助解决", a.contained);
      figure("自助解决率", percent(a.containment_rate));
      figure("工单", a.tickets);
      figure("认领用时中位数（分钟）", a.median_minutes_to_claim ?? "—");
      figure("解决用时中位数（分钟）", a.median_minutes_to_resolve ?? "—");
      figure("满意率（" + a.satisfaction.rated + " 人评价）", percent(a.satisfaction.satisfied));
      figure("非本业务对话（另计）", a.out_of_scope);
      chart("chart-days", { legend: { top: 0 }, xAxis: { type: "category", data: a.per_day.map((d) => d.day.slice(5)) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "对话", type: "bar", data: a.per_day.map((d) => d.conversations) },
          { name: "自助解决", type: "bar", data: a.per_day.map((d) => d.contained) },
          { name: "工单", type: "line", data: a.per_day.map((d) => d.tickets) }] });
      chart("chart-diagnosis", rates(a.by_diagnosis, names.diagnosis || {}));
      chart("chart-channel", rates(a.by_channel, names.channel || {}));
      chart("chart-reasons", { tooltip: { trigger: "item" }, xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: a.handoff_reasons.map((r) => (names.reason || {})[r[0]] || r[0]) },
        grid: { left: 200, right: 24, top: 16, bottom: 32 },
        series: [{ name: "工单", type: "bar", data: a.handoff_reasons.map((r) => r[1]) }] });
      const cases = a.satisfaction.by_case;
      const diagnoses = Object.keys(a.satisfaction.by_diagnosis);
      const groups = [["自助解决", cases.contained], ["转人工", cases.handed_over]]
        .concat(diagnoses.map((k) => [(names.diagnosis || {})[k] || k, a.satisfaction.by_diagnosis[k]]));
      chart("chart-satisfaction", { legend: { top: 0 }, xAxis: { type: "category", data: groups.map((g) => g[0]), axisLabel: { interval: 0, rotate: groups.length > 4 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [["satisfied", "满意"], ["neutral", "一般"], ["unsatisfied", "不满意"]].map(([key, label]) => (
          { name: label, type: "bar", stack: "rated", data: groups.map((g) => g[1].counts[key]) })) });
    })
    .catch(() => figure("出错了", "看板数据暂时取不到，请稍后刷新"));
})();
