// Cachalot dashboard: polls /api/stats every second and draws it. No dependencies, no build step.
// Everything from the wire goes into the page through textContent, never as markup.
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };
  var lastRecentTime = 0;
  var latest = null;
  var shown = {};  // what each table shows now, so that an unchanged one is left alone (and selectable)

  function changed(part, data) {
    var sig = JSON.stringify(data);
    if (shown[part] === sig) return false;
    shown[part] = sig;
    return true;
  }

  function bytes(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)) + " " + units[i];
  }
  function count(n) { return Number(n).toLocaleString("en-US"); }
  function duration(s) {
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
    return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
  }
  function clock(ms) {
    var d = new Date(ms);
    var p = function (v, n) { return String(v).padStart(n || 2, "0"); };
    return p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds()) + "." + p(d.getMilliseconds(), 3);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function set(id, text) { var e = $(id); if (e.textContent !== text) e.textContent = text; }
  function kind(result) {
    if (/HIT/.test(result) || result === "TCP_REFRESH_UNMODIFIED" || result === "TCP_MISS_COLLAPSED") return "hit";
    if (/^TCP_REFRESH/.test(result)) return "reval";
    if (/^TCP_MISS/.test(result)) return "miss";
    return "other";
  }

  function render(s) {
    var t = s.totals;
    set("hit-ratio", (s.hitRatio * 100).toFixed(1) + " %");
    set("rps", s.requestsPerSecond.toFixed(1));
    set("bytes-saved", bytes(s.bytesSaved));
    set("bytes-origin", bytes(t.bytesFromOrigin));
    set("served-from-cache", count(t.servedFromCache));
    set("lookups", count(t.lookups));
    set("total-requests", count(t.requests));
    set("total-hits", count(t.hits));
    set("total-misses", count(t.misses));
    set("total-revalidations", count(t.revalidations));
    set("total-coalesced", count(t.coalesced));
    set("connections", count(t.openConnections));
    set("tunnels", count(t.openTunnels));
    set("uptime", duration(s.uptimeSeconds));
    renderTiers(s.tiers);
    renderTop(s.topUrls);
    renderRecent(s.recent);
    drawChart(s.history);
  }

  function renderTiers(tiers) {
    if (!changed("tiers", tiers)) return;
    var box = $("tiers");
    box.textContent = "";
    if (!tiers.length) { box.appendChild(el("p", "empty", "no tiers reported")); return; }
    var max = Math.max.apply(null, tiers.map(function (x) { return x.bytes; }).concat([1]));
    tiers.forEach(function (tier) {
      var row = el("div", "tier-row");
      row.dataset.tier = tier.name;
      row.appendChild(el("span", "tier-name", tier.name));
      var bar = el("div", "tier-bar");
      var fill = el("i");
      fill.style.width = Math.max(2, 100 * tier.bytes / max) + "%";
      bar.appendChild(fill);
      row.appendChild(bar);
      var nums = el("span", "tier-numbers");
      nums.appendChild(el("b", "tier-entries", count(tier.entries)));
      nums.appendChild(document.createTextNode(" entries · "));
      nums.appendChild(el("b", "tier-bytes", bytes(tier.bytes)));
      row.appendChild(nums);
      box.appendChild(row);
    });
  }

  function renderTop(top) {
    if (!changed("top", top)) return;
    var body = $("top-urls").tBodies[0];
    body.textContent = "";
    if (!top.length) {
      var r = el("tr", "empty-row"); var c = el("td", null, "no hits yet"); c.colSpan = 2; r.appendChild(c); body.appendChild(r);
      return;
    }
    var max = top[0].hits || 1;
    top.forEach(function (u) {
      var row = el("tr");
      var url = el("td", "url"); url.title = u.url;
      var bar = el("span", "hits-bar"); bar.style.width = Math.max(3, 60 * u.hits / max) + "px";
      url.appendChild(bar); url.appendChild(document.createTextNode(u.url));
      row.appendChild(url);
      row.appendChild(el("td", "num hits", count(u.hits)));
      body.appendChild(row);
    });
  }

  function renderRecent(recent) {
    if (!changed("recent", recent)) return;
    var body = $("recent").tBodies[0];
    var newest = recent.length ? recent[0].time : 0;
    set("recent-count", recent.length ? "newest first · " + recent.length + " shown" : "");
    body.textContent = "";
    if (!recent.length) {
      var r = el("tr", "empty-row"); var c = el("td", null, "no requests yet"); c.colSpan = 7; r.appendChild(c); body.appendChild(r);
      return;
    }
    recent.forEach(function (q) {
      var row = el("tr", q.time > lastRecentTime && lastRecentTime > 0 ? "fresh" : "");
      row.dataset.result = q.result;
      row.appendChild(el("td", "muted", clock(q.time)));
      row.appendChild(el("td", null, q.method));
      var url = el("td", "url", q.url); url.title = q.url; row.appendChild(url);
      row.appendChild(el("td", "num status-" + String(q.status).charAt(0), q.status));
      var res = el("td"); res.appendChild(el("span", "badge " + kind(q.result), q.result)); row.appendChild(res);
      row.appendChild(el("td", "num", count(q.elapsedMs)));
      row.appendChild(el("td", "num", bytes(q.bytes)));
      body.appendChild(row);
    });
    lastRecentTime = newest;
  }

  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function drawChart(history) {
    var canvas = $("chart");
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight || 220;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
    }
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    var padL = 44, padR = 48, padT = 10, padB = 22;
    var pw = w - padL - padR, ph = h - padT - padB;
    var n = history.length;
    if (n < 2 || pw <= 0) return;
    var maxRps = niceMax(Math.max.apply(null, history.map(function (p) { return p.requests; })));
    var maxSaved = Math.max.apply(null, history.map(function (p) { return p.bytesSaved; }).concat([1]));
    var x = function (i) { return padL + pw * i / (n - 1); };
    var muted = css("--muted"), grid = css("--grid");

    g.font = "11px " + css("--sans");
    g.lineWidth = 1;
    for (var k = 0; k <= 4; k++) {
      var y = padT + ph * k / 4;
      g.strokeStyle = grid; g.beginPath(); g.moveTo(padL, y + 0.5); g.lineTo(padL + pw, y + 0.5); g.stroke();
      g.fillStyle = muted; g.textAlign = "right"; g.textBaseline = "middle";
      g.fillText(fmtAxis(maxRps * (4 - k) / 4), padL - 8, y);
      g.textAlign = "left";
      g.fillText((100 * (4 - k) / 4) + "%", padL + pw + 8, y);
    }
    g.textAlign = "center"; g.textBaseline = "top"; g.fillStyle = muted;
    [0, 15, 30, 45, 59].forEach(function (i) {
      if (i < n) g.fillText(i === n - 1 ? "now" : "-" + (n - 1 - i) + " s", x(i), padT + ph + 6);
    });

    // Bytes saved per second: a soft filled area, scaled to its own maximum.
    var saved = css("--reval");
    g.beginPath(); g.moveTo(x(0), padT + ph);
    history.forEach(function (p, i) { g.lineTo(x(i), padT + ph - ph * p.bytesSaved / maxSaved); });
    g.lineTo(x(n - 1), padT + ph); g.closePath();
    g.globalAlpha = 0.16; g.fillStyle = saved; g.fill(); g.globalAlpha = 1;

    // Requests per second: bars.
    var bw = Math.max(2, pw / n * 0.6);
    g.fillStyle = css("--accent");
    history.forEach(function (p, i) {
      var bh = ph * p.requests / maxRps;
      if (bh > 0) g.fillRect(x(i) - bw / 2, padT + ph - bh, bw, bh);
    });

    // Hit ratio per second: a line over the seconds that had lookups.
    g.strokeStyle = css("--hit"); g.lineWidth = 2; g.lineJoin = "round";
    g.beginPath();
    var pen = false;
    history.forEach(function (p, i) {
      if (!p.lookups) { pen = false; return; }
      var y = padT + ph - ph * p.servedFromCache / p.lookups;
      if (pen) g.lineTo(x(i), y); else g.moveTo(x(i), y);
      pen = true;
    });
    g.stroke();
    history.forEach(function (p, i) {
      if (!p.lookups) return;
      g.fillStyle = css("--hit"); g.beginPath();
      g.arc(x(i), padT + ph - ph * p.servedFromCache / p.lookups, 2.2, 0, 2 * Math.PI); g.fill();
    });
  }
  function niceMax(v) {
    if (v <= 4) return 4;
    var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
    return (m <= 2 ? 2 : m <= 4 ? 4 : m <= 8 ? 8 : 10) * p;  // quarters stay round numbers
  }
  function fmtAxis(v) { return v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + "k" : String(Math.round(v * 10) / 10); }

  function poll() {
    fetch("api/stats", { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        latest = s;
        var live = $("live"); live.className = "pill pill-live"; live.textContent = "live";
        render(s);
      })
      .catch(function () {
        var live = $("live"); live.className = "pill pill-down"; live.textContent = "proxy unreachable";
      })
      .then(function () { setTimeout(poll, 1000); });
  }
  window.addEventListener("resize", function () { if (latest) drawChart(latest.history); });
  poll();
})();
