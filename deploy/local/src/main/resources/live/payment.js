// One payment explained: its facts, its journey of touches, each touch's credit under every model
// (the position that stands, payments.credits), and its journal: the payment's entries, refunds
// and corrections with their booking dates. From /api/payment, refreshed every few seconds.
"use strict";

(() => {
  const {money, major, el, replace, json, poll, params, channelColor, chart} = Live;
  const MODEL_NAMES = {
    first_touch: "first touch",
    last_touch: "last touch",
    last_non_direct: "last non-direct",
    linear: "linear",
    position_based: "position based",
    time_decay: "time decay",
  };
  const ENTRY_NAMES = {payment: "payment", refund: "refund", correction: "correction"};

  async function load() {
    const p = params();
    const query = new URLSearchParams();
    for (const name of ["site", "provider", "key"]) {
      if (p.get(name)) {
        query.set(name, p.get(name));
      }
    }
    render(await json("/api/payment?" + query.toString()));
  }

  function touchLabel(t) {
    return t.channel + (t.session_id ? " · " + t.session_id : "");
  }

  function render(d) {
    const p = d.payment;
    const exp = p.currency_exponent;
    const cur = p.currency;
    const amount = (minor) => money(minor, exp) + " " + cur;
    document.title = "Tributary · " + p.provider + " " + p.payment_key;
    replace("title", p.provider + " · " + p.payment_key);
    const back = new URLSearchParams({site: d.site});
    if (params().get("model")) {
      back.set("model", params().get("model"));
    }
    document.getElementById("back").setAttribute("href", "/?" + back.toString());

    renderFacts(d, amount);
    renderJourney(d);
    renderCredits(d, amount);
    renderEvents(d, amount);
    renderRefunds(d, amount);
    renderJournal(d, amount);
    document.body.dataset.payment = p.provider + ":" + p.payment_key;
    document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
  }

  function renderFacts(d, amount) {
    const p = d.payment;
    const facts = [
      ["amount", amount(p.amount_minor), "amount"],
      ["refunded", amount(p.refunded_minor) + (p.chargeback ? " (chargeback)" : ""), "refunded"],
      ["net", amount(p.net_minor), "net"],
      ["paid at", p.occurred_at + " " + d.timeZone, "occurred"],
      ["linked by", p.method, "method"],
      ["confidence", p.confidence + (p.candidates > 1 ? " (" + p.candidates + " candidates)" : ""),
        "confidence"],
      ["reason", p.reason, "reason"],
      ["visitor", p.visitor_id || "–", "visitor"],
      ["session", p.session_id || "–", "session"],
      ["customer", p.customer_id || "–", "customer"],
      ["subscription", p.subscription_id ? p.subscription_id + (p.renewal ? " (renewal)" : "")
          : "–", "subscription"],
      ["email", p.has_email ? "hashed (keyed)" : "–", "email"],
      ["event", p.event_type + " · " + p.event_id, "event"],
      ["received at", p.received_at + " " + d.timeZone, "received"],
      ["attributed at", p.credited_at ? p.credited_at + " " + d.timeZone : "–", "credited"],
      ["mode", p.livemode ? "live" : "test", "mode"],
    ];
    if (p.refunded_at) {
      facts.push(["last refund at", p.refunded_at + " " + d.timeZone, "refunded-at"]);
    }
    if (p.conflicts) {
      facts.push(["reports disagreed on", p.conflicts, "conflicts"]);
    }
    replace("facts", facts.flatMap(([k, v, id]) =>
      [el("dt", {}, k), el("dd", {id: "fact-" + id}, v)]));
  }

  function renderJourney(d) {
    const items = d.touches.map((t, i) =>
      el("li", {style: "border-color:" + channelColor(t.channel)},
          el("div", {class: "step"}, String(i + 1)),
          el("div", {class: "touch-channel"}, t.channel),
          el("div", {class: "touch-meta"},
              [t.source, t.medium, t.campaign].filter((x) => x).join(" / ") || "no utm tags"),
          el("div", {class: "touch-meta"}, t.started_at ? "session started " + t.started_at
              : t.session_id ? "session " + t.session_id : "no session"),
          t.landing_page ? el("div", {class: "touch-meta"}, "landed on " + t.landing_page) : null,
          t.referrer_host ? el("div", {class: "touch-meta"}, "from " + t.referrer_host) : null,
          el("div", {class: "touch-meta mono"},
              (t.visitor_id || "no visitor") + (t.session_id ? " · " + t.session_id : ""))));
    if (!items.length) {
      items.push(el("li", {class: "empty"}, "no position stored for this payment"));
    }
    replace("journey", items);
  }

  function renderCredits(d, amount) {
    const models = d.models;
    replace("credits-head", el("th", {}, "touch"),
        models.map((m) => el("th", {class: "num", "data-model": m}, MODEL_NAMES[m] || m)));
    const totals = Object.fromEntries(models.map((m) => [m, 0n]));
    const rows = d.touches.map((t) =>
      el("tr", {"data-session": t.session_id || "", "data-channel": t.channel},
          el("td", {},
              el("span", {class: "swatch", style: "background:" + channelColor(t.channel)}),
              t.channel,
              el("div", {class: "touch-meta mono"}, t.session_id || t.visitor_id || "")),
          models.map((m) => {
            const c = t.credits[m];
            if (!c) {
              return el("td", {class: "num zero", "data-model": m, "data-minor": "0"},
                  money("0", d.payment.currency_exponent));
            }
            totals[m] += BigInt(c.net_minor);
            return el("td", {class: "num", "data-model": m, "data-minor": c.net_minor,
              "data-credit": c.credit_minor, "data-refunded": c.refunded_minor,
              title: "credit " + amount(c.credit_minor) + ", refunded " + amount(c.refunded_minor)},
            money(c.net_minor, d.payment.currency_exponent),
            c.refunded_minor !== "0"
                ? el("div", {class: "touch-meta"}, money(c.credit_minor, d.payment.currency_exponent) +
                    " − " + money(c.refunded_minor, d.payment.currency_exponent))
                : null);
          })));
    const table = document.getElementById("credits");
    table.tBodies[0].replaceChildren(...rows);
    table.tFoot.replaceChildren(el("tr", {}, el("th", {}, "total (= net of the payment)"),
        models.map((m) => el("th", {class: "num", "data-model": m,
          "data-minor": totals[m].toString()},
        money(totals[m].toString(), d.payment.currency_exponent)))));

    chart("chart-credits").setOption({
      animation: false,
      grid: {left: 60, right: 16, top: 36, bottom: 30},
      legend: {type: "scroll", top: 0},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
        valueFormatter: (v) => Number(v).toFixed(d.payment.currency_exponent) + " " +
            d.payment.currency},
      xAxis: {type: "category", data: models.map((m) => MODEL_NAMES[m] || m)},
      yAxis: {type: "value", name: d.payment.currency},
      series: d.touches.map((t) => ({
        name: touchLabel(t),
        type: "bar",
        stack: "credit",
        barMaxWidth: 40,
        itemStyle: {color: channelColor(t.channel), borderColor: "#fff", borderWidth: 1},
        data: models.map((m) => t.credits[m] ? major(t.credits[m].net_minor,
            d.payment.currency_exponent) : 0),
      })),
    }, {notMerge: true});
  }

  /** The journal grouped into what happened: one line per booking time and entry type. */
  function renderEvents(d, amount) {
    // channels in the order of the journey (the unattributed and touchless last)
    const order = new Map(d.touches.map((t, i) => [t.channel, i]).reverse());
    const byJourney = (a, b) => (order.has(a) ? order.get(a) : 1e9) -
        (order.has(b) ? order.get(b) : 1e9) || a.localeCompare(b);
    const groups = [];
    for (const e of d.journal) {
      const last = groups[groups.length - 1];
      if (last && last.booked_at === e.booked_at && last.entry_type === e.entry_type) {
        last.entries.push(e);
      } else {
        groups.push({booked_at: e.booked_at, entry_type: e.entry_type, entries: [e]});
      }
    }
    const rows = groups.map((g) => {
      const perModel = new Map();
      const perChannel = new Map();
      for (const e of g.entries) {
        perModel.set(e.model, (perModel.get(e.model) || 0n) + BigInt(e.amount_minor));
        perChannel.set(e.channel, (perChannel.get(e.channel) || 0n) + BigInt(e.amount_minor));
      }
      let what;
      let shown;
      if (g.entry_type === "correction") {
        const from = [...perChannel].filter(([, v]) => v < 0n).map(([k]) => k).sort(byJourney);
        const to = [...perChannel].filter(([, v]) => v > 0n).map(([k]) => k).sort(byJourney);
        what = "re-attributed: credit moved" + (from.length ? " from " + from.join(", ") : "") +
            (to.length ? " to " + to.join(", ") : "");
        // what moved, per model: the sum of its positive entries
        const moved = new Map();
        for (const e of g.entries) {
          const v = BigInt(e.amount_minor);
          moved.set(e.model, (moved.get(e.model) || 0n) + (v > 0n ? v : 0n));
        }
        shown = moved;
      } else if (g.entry_type === "refund") {
        what = "refund retracted from " + [...perChannel.keys()].sort(byJourney).join(", ");
        shown = perModel;
      } else {
        what = "credited to " + [...perChannel.keys()].sort(byJourney).join(", ");
        shown = perModel;
      }
      const values = [...new Set([...shown.values()].map((v) => v.toString()))];
      const amountText = values.length === 1
          ? amount(values[0]) + (shown.size > 1 ? " under each of " + shown.size + " models" : "")
          : [...shown].map(([m, v]) => (MODEL_NAMES[m] || m) + " " + amount(v.toString()))
              .join("; ");
      return el("tr", {"data-type": g.entry_type},
          el("td", {class: "time"}, g.booked_at),
          el("td", {}, el("span", {class: "badge entry-" + g.entry_type},
              ENTRY_NAMES[g.entry_type] || g.entry_type)),
          el("td", {}, what),
          el("td", {class: "num"}, amountText));
    });
    if (!rows.length) {
      rows.push(el("tr", {}, el("td", {colspan: 4, class: "empty"}, "nothing booked")));
    }
    document.getElementById("events").tBodies[0].replaceChildren(...rows);
  }

  function renderRefunds(d, amount) {
    const rows = d.refunds.map((r) =>
      el("tr", {},
          el("td", {class: "time"}, r.occurred_at),
          el("td", {}, r.kind + (r.full_refund ? " (full)" : r.cumulative ? " (running total)"
              : "")),
          el("td", {class: "mono"}, r.refund_key),
          el("td", {class: "num", "data-minor": r.amount_minor},
              r.full_refund && r.amount_minor === "0" ? "all" : amount(r.amount_minor))));
    if (!rows.length) {
      rows.push(el("tr", {}, el("td", {colspan: 4, class: "empty"}, "none")));
    }
    document.getElementById("refunds").tBodies[0].replaceChildren(...rows);
  }

  function renderJournal(d, amount) {
    document.getElementById("journal-count").textContent = String(d.journal.length);
    document.getElementById("journal").tBodies[0].replaceChildren(...d.journal.map((e) =>
      el("tr", {"data-type": e.entry_type, "data-model": e.model},
          el("td", {class: "time"}, e.booked_at),
          el("td", {}, e.entry_type),
          el("td", {}, MODEL_NAMES[e.model] || e.model),
          el("td", {}, e.channel),
          el("td", {class: "mono"}, e.session_id || "–"),
          el("td", {class: "num", "data-minor": e.amount_minor}, amount(e.amount_minor)))));
  }

  document.addEventListener("DOMContentLoaded", () => poll(load));
})();
