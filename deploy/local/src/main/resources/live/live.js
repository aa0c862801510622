// Shared helpers of the live page: exact money formatting, DOM building (text only, never HTML
// from data), polling, and stable channel colours for the charts.
"use strict";

const Live = (() => {
  const REFRESH_MS = 5000;

  /**
   * An amount in minor units (a string of digits, maybe with a leading "-") with the currency's
   * exponent, as a decimal with thousands separators: ("123456789", 2) -> "1,234,567.89",
   * ("1500", 0) -> "1,500", ("-5", 3) -> "-0.005". String arithmetic only: no floating point.
   */
  function money(minor, exponent) {
    let digits = String(minor).trim();
    let negative = false;
    if (digits.startsWith("-")) {
      negative = true;
      digits = digits.slice(1);
    }
    if (!/^\d+$/.test(digits)) {
      return String(minor);
    }
    const exp = Number(exponent) || 0;
    digits = digits.replace(/^0+(?=\d)/, "").padStart(exp + 1, "0");
    const whole = digits.slice(0, digits.length - exp).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    const fraction = exp > 0 ? "." + digits.slice(digits.length - exp) : "";
    const zero = /^[0,]*$/.test(whole) && /^[.0]*$/.test(fraction);
    return (negative && !zero ? "-" : "") + whole + fraction;
  }

  /** The same amount as a number of major units, for charts only (never for what is printed). */
  function major(minor, exponent) {
    return Number(minor) / Math.pow(10, Number(exponent) || 0);
  }

  /** Text for the few places that take HTML (ECharts tooltip formatters). */
  function esc(text) {
    return String(text).replace(/[&<>"']/g, (c) =>
      ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"})[c]);
  }

  /** A share 0..1 (a decimal string) as a percentage with one decimal. */
  function percent(share) {
    if (share === null || share === undefined) {
      return "–";
    }
    return (Number(share) * 100).toFixed(1) + " %";
  }

  /** el("td", {class: "num"}, "text", otherNode): an element with attributes and children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k === "text") {
        node.textContent = v;
      } else {
        node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) {
        continue;
      }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(id, ...children) {
    const node = document.getElementById(id);
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
    return node;
  }

  async function json(url) {
    const response = await fetch(url, {cache: "no-store", headers: {Accept: "application/json"}});
    const body = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) {
      throw new Error(body.error || "HTTP " + response.status);
    }
    return body;
  }

  /**
   * Calls load() now and then every REFRESH_MS after the previous call finished (never two at
   * once); the returned function asks for a refresh at once (after a selector changed).
   */
  function poll(load) {
    let timer = null;
    let running = false;
    let again = false;
    async function tick() {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      const status = document.getElementById("status");
      try {
        await load();
        status.classList.remove("error");
        status.textContent = "updated " + new Date().toTimeString().slice(0, 8) +
            " · refreshes every " + REFRESH_MS / 1000 + " s";
      } catch (e) {
        status.classList.add("error");
        status.textContent = "not updated: " + e.message + " (retrying)";
      } finally {
        running = false;
        timer = setTimeout(tick, again ? 0 : REFRESH_MS);
        again = false;
      }
    }
    tick();
    return tick;
  }

  /** The page's query parameters, and a way to change them without a reload. */
  function params() {
    return new URLSearchParams(location.search);
  }

  function setParams(values) {
    const p = params();
    for (const [k, v] of Object.entries(values)) {
      if (v === null || v === undefined || v === "") {
        p.delete(k);
      } else {
        p.set(k, v);
      }
    }
    history.replaceState(null, "", location.pathname + "?" + p.toString());
  }

  /** A <select> filled with options; keeps the selection if it still exists. */
  function options(select, values, selected, label) {
    const current = [...select.options].map((o) => o.value).join("\u0000");
    const wanted = values.map((v) => String(v)).join("\u0000");
    if (current !== wanted) {
      select.replaceChildren(
          ...values.map((v) => el("option", {value: v}, label ? label(v) : String(v))));
    }
    if (selected !== null && selected !== undefined) {
      select.value = String(selected);
    }
  }

  // Colours per channel group, the same on every chart and page.
  const CHANNEL_COLORS = {
    "Direct": "#8c8c8c",
    "Organic Search": "#3ba272",
    "Paid Search": "#5470c6",
    "Organic Social": "#91cc75",
    "Paid Social": "#9a60b4",
    "Email": "#fac858",
    "Affiliates": "#ea7ccc",
    "Referral": "#73c0de",
    "AI Assistants": "#10a37f",
    "Display": "#fc8452",
    "Organic Video": "#b6a2de",
    "Paid Video": "#ee6666",
    "Paid Other": "#5ab1ef",
    "Other": "#c4ccd3",
    "(unattributed)": "#d9d9d9",
    "(no touch)": "#bfbfbf",
  };
  const SPARE = ["#2f4554", "#61a0a8", "#d48265", "#749f83", "#ca8622", "#bda29a", "#6e7074"];

  function channelColor(channel) {
    if (CHANNEL_COLORS[channel]) {
      return CHANNEL_COLORS[channel];
    }
    let h = 0;
    for (const ch of String(channel)) {
      h = (h * 31 + ch.codePointAt(0)) >>> 0;
    }
    return SPARE[h % SPARE.length];
  }

  /** An ECharts instance for the element, created once, resized with the window. */
  const charts = new Map();

  function chart(id) {
    if (!charts.has(id)) {
      const c = echarts.init(document.getElementById(id), null, {renderer: "canvas"});
      charts.set(id, c);
      window.addEventListener("resize", () => c.resize());
    }
    return charts.get(id);
  }

  return {money, major, esc, percent, el, replace, json, poll, params, setParams, options,
    channelColor, chart};
})();
