// The overview: revenue over time and by channel under the chosen model, attribution quality and
// the latest payments, from /api/overview, refreshed every few seconds.
"use strict";

(() => {
  const {money, major, esc, percent, el, replace, json, poll, params, setParams, options,
    channelColor, chart} = Live;
  const SELECTORS = ["site", "mode", "currency", "model", "granularity", "basis"];
  const MODEL_NAMES = {
    first_touch: "first touch",
    last_touch: "last touch",
    last_non_direct: "last non-direct",
    linear: "linear",
    position_based: "position based",
    time_decay: "time decay",
  };

  async function load() {
    const p = params();
    const query = new URLSearchParams();
    for (const name of SELECTORS) {
      if (p.get(name)) {
        query.set(name, p.get(name));
      }
    }
    const data = await json("/api/overview?" + query.toString());
    render(data);
  }

  function render(d) {
    const sel = (id) => document.getElementById(id);
    options(sel("site"), d.sites, d.site);
    options(sel("mode"), ["live", "test"], d.mode,
        (m) => m + " (" + d.modes[m] + " payments)");
    options(sel("currency"), d.currencies.map((c) => c.currency), d.currency,
        (c) => c + " (" + (d.currencies.find((x) => x.currency === c) || {}).payments +
            " payments)");
    options(sel("model"), d.models, d.model, (m) => MODEL_NAMES[m] || m);
    options(sel("granularity"), ["auto", "minute", "hour", "day", "week", "month"],
        d.granularityAuto ? "auto" : d.granularity,
        (g) => g === "auto" ? "auto (" + d.granularity + ")" : g);
    sel("basis").value = d.basis;

    const cur = d.currency || "";
    renderKpis(d, cur);
    renderOverTime(d, cur);
    renderByChannel(d, cur);
    renderQuality(d, cur);
    renderLatest(d);
    document.body.dataset.site = d.site;
    document.body.dataset.mode = d.mode;
    document.body.dataset.model = d.model;
    document.body.dataset.currency = cur;
    document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
  }

  function renderKpis(d, cur) {
    const t = d.totals;
    const exp = t.currency_exponent;
    const kpi = (id, label, value, note) =>
      el("div", {class: "kpi", id},
          el("div", {class: "label"}, label),
          el("div", {class: "value"}, value),
          el("div", {class: "note"}, note));
    replace("kpis",
        kpi("kpi-net", "net revenue", money(t.net_minor, exp) + " " + cur,
            "all channels · same under every model"),
        kpi("kpi-gross", "gross", money(t.gross_minor, exp) + " " + cur, "amounts paid"),
        kpi("kpi-refunds", "refunded", money(t.refunds_minor, exp) + " " + cur,
            "refunds and chargebacks"),
        kpi("kpi-payments", "payments", String(t.payments), d.mode + " mode · site " + d.site));
  }

  function renderOverTime(d, cur) {
    const points = d.overTime.points;
    const channels = [...new Set(points.map((p) => p.channel))].sort();
    const buckets = [...new Set(points.map((p) => p.bucket))];
    const exponent = points.length ? points[0].currency_exponent : 2;
    const series = channels.map((channel) => {
      const byBucket = new Map();
      for (const p of points.filter((x) => x.channel === channel)) {
        byBucket.set(p.bucket, (byBucket.get(p.bucket) || 0) + major(p.net_minor, p.currency_exponent));
      }
      return {
        name: channel,
        type: "bar",
        stack: "net",
        barMaxWidth: 28,
        itemStyle: {color: channelColor(channel)},
        emphasis: {focus: "series"},
        data: buckets.map((b) => [b, byBucket.has(b) ? byBucket.get(b) : 0]),
      };
    });
    document.getElementById("over-time-hint").textContent =
        MODEL_NAMES[d.model] + " · " + cur + " · per " + d.granularity + " (" + d.timeZone +
        ", date of the " + d.basis + ")" + (d.overTime.truncated ? " · newest buckets only" : "");
    chart("chart-over-time").setOption({
      animation: false,
      grid: {left: 60, right: 16, top: 36, bottom: 40},
      legend: {type: "scroll", top: 0},
      tooltip: {
        trigger: "axis",
        axisPointer: {type: "shadow"},
        valueFormatter: (v) => Number(v).toFixed(exponent) + " " + cur,
      },
      xAxis: {type: "time"},
      yAxis: {type: "value", name: cur, axisLabel: {formatter: (v) => v.toLocaleString("en")}},
      series,
    }, {notMerge: true});
  }

  function renderByChannel(d, cur) {
    const rows = d.byChannel;
    document.getElementById("by-channel-hint").textContent =
        MODEL_NAMES[d.model] + " · " + cur;
    const ordered = [...rows].reverse();
    chart("chart-by-channel").setOption({
      animation: false,
      grid: {left: 110, right: 100, top: 8, bottom: 8},
      tooltip: {
        trigger: "item",
        formatter: (p) => esc(p.name + ": " + money(ordered[p.dataIndex].net_minor,
            ordered[p.dataIndex].currency_exponent) + " " + cur),
      },
      xAxis: {type: "value", axisLabel: {show: false}},
      yAxis: {type: "category", data: ordered.map((r) => r.channel)},
      series: [{
        type: "bar",
        name: "net",
        barMaxWidth: 22,
        data: ordered.map((r) => ({
          value: major(r.net_minor, r.currency_exponent),
          itemStyle: {color: channelColor(r.channel)},
        })),
        label: {
          show: true,
          position: "right",
          formatter: (p) => money(ordered[p.dataIndex].net_minor,
              ordered[p.dataIndex].currency_exponent),
        },
      }],
    }, {notMerge: true});

    const table = document.getElementById("by-channel");
    table.dataset.model = d.model;
    table.dataset.currency = cur;
    const body = rows.map((r) =>
      el("tr", {"data-channel": r.channel},
          el("td", {},
              el("span", {class: "swatch", style: "background:" + channelColor(r.channel)}),
              r.channel),
          el("td", {class: "num payments"}, String(r.payments)),
          el("td", {class: "num gross", "data-minor": r.gross_minor},
              money(r.gross_minor, r.currency_exponent)),
          el("td", {class: "num refunds", "data-minor": r.refunds_minor},
              money(r.refunds_minor, r.currency_exponent)),
          el("td", {class: "num net", "data-minor": r.net_minor},
              money(r.net_minor, r.currency_exponent))));
    if (!rows.length) {
      body.push(el("tr", {}, el("td", {colspan: 5, class: "empty"}, "no revenue yet")));
    }
    table.tBodies[0].replaceChildren(...body);
  }

  function renderQuality(d, cur) {
    const rows = d.quality;
    chart("chart-quality").setOption({
      animation: false,
      tooltip: {trigger: "item", formatter: (p) => esc(p.name + ": " + p.value + " payments")},
      legend: {orient: "vertical", left: 0, top: "middle", icon: "circle"},
      series: [{
        type: "pie",
        radius: ["45%", "80%"],
        center: ["72%", "50%"],
        label: {show: false},
        data: rows.map((r) => ({
          name: r.method + " / " + r.confidence,
          value: r.payments,
          itemStyle: {color: QUALITY_COLORS[r.confidence] || "#999"},
        })),
      }],
    }, {notMerge: true});
    const table = document.getElementById("quality");
    table.dataset.currency = cur;
    const body = rows.map((r) =>
      el("tr", {"data-method": r.method, "data-confidence": r.confidence},
          el("td", {}, r.method),
          el("td", {}, el("span", {class: "badge " + r.confidence}, r.confidence)),
          el("td", {class: "num payments"}, String(r.payments)),
          el("td", {class: "num share"}, percent(r.share_of_payments)),
          el("td", {class: "num net", "data-minor": r.net_minor},
              money(r.net_minor, r.currency_exponent))));
    if (!rows.length) {
      body.push(el("tr", {}, el("td", {colspan: 5, class: "empty"}, "no payments yet")));
    }
    table.tBodies[0].replaceChildren(...body);
  }

  const QUALITY_COLORS = {
    high: "#3ba272",
    medium: "#91cc75",
    low: "#fac858",
    ambiguous: "#fc8452",
    none: "#d9d9d9",
  };

  function renderLatest(d) {
    document.getElementById("latest-hint").textContent =
        "newest " + d.latest.length + " · " + d.mode + " · credited to: channels under " +
        MODEL_NAMES[d.model] + " · times in " + d.timeZone;
    const table = document.getElementById("latest");
    table.dataset.model = d.model;
    const body = d.latest.map((p) => {
      const href = "/payment?" + new URLSearchParams(
          {site: d.site, provider: p.provider, key: p.payment_key, model: d.model}).toString();
      return el("tr", {"data-provider": p.provider, "data-key": p.payment_key},
          el("td", {class: "time"}, p.occurred_at),
          el("td", {}, el("a", {href, class: "payment-link"}, p.provider + " · " + p.payment_key)),
          el("td", {class: "num amount", "data-minor": p.amount_minor},
              money(p.amount_minor, p.currency_exponent) + " " + p.currency),
          el("td", {class: "num refunded", "data-minor": p.refunded_minor},
              p.refunded_minor === "0" ? "" :
                  money(p.refunded_minor, p.currency_exponent) + " " + p.currency +
                  (p.chargeback ? " (chargeback)" : "")),
          el("td", {class: "method"}, p.method),
          el("td", {class: "confidence"},
              el("span", {class: "badge " + p.confidence}, p.confidence +
                  (p.candidates > 1 ? " ×" + p.candidates : ""))),
          el("td", {class: "channels"}, p.channels || "–"),
          el("td", {class: "reason"}, p.reason));
    });
    if (!d.latest.length) {
      body.push(el("tr", {}, el("td", {colspan: 8, class: "empty"},
          "no payments yet: send one (the runner printed curl examples) or start with --demo")));
    }
    table.tBodies[0].replaceChildren(...body);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const refresh = poll(load);
    for (const name of SELECTORS) {
      document.getElementById(name).addEventListener("change", (e) => {
        const change = {[name]: e.target.value};
        if (name === "site" || name === "mode") {
          change.currency = null; // the new selection's own default
        }
        setParams(change);
        refresh();
      });
    }
    document.getElementById("controls").addEventListener("submit", (e) => e.preventDefault());
  });
})();
