// Renders the embedded check result. Invariant: when rendering finishes without an exception,
// <body data-render="done">; window.onerror (in the page) sets "error" and shows the message.
(function () {
  'use strict';
  var started = performance.now();
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var R = D.result;
  var OUTCOME = ['ok', 'fail', 'info'];
  var COLOR = { ok: '#3a9d5d', fail: '#9aa3ad', info: '#e8a33d', bad: '#d62d2d', lin: '#2f6fd6' };
  var PALETTE = ['#2f6fd6', '#3a9d5d', '#c2487a', '#8a5cd6', '#1b9aaa', '#d6742f', '#5d6b7a', '#a3a12b'];
  // ops[i] = [id, process, f, key, invokeTime, completeTime (-1: never), outcome, value, result]
  var ops = D.ops;
  var END = Math.max(D.end, 1);
  // Fault intervals: a fault step opens a band, a healing step closes every open band; bands
  // still open at the end of the history run to the end. bands[i] = [label, start, end].
  var CLOSERS = { heal: 1, stop: 1, resume: 1, restart: 1, recover: 1, unpause: 1, clear: 1 };
  var bands = [], open = [];
  D.nemesis.forEach(function (n) {
    if (CLOSERS[n[0]]) {
      open.forEach(function (b) { b[2] = Math.max(n[2], b[1]); });
      open = [];
    } else {
      var b = [n[0] + (n[3] ? ' ' + n[3] : ''), n[1], END];
      bands.push(b);
      open.push(b);
    }
  });
  var zoom = 1;

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function fmtTime(ns) {
    if (ns < 1e6) { return (ns / 1e3).toFixed(0) + ' µs'; }
    if (ns < 1e9) { return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + ' ms'; }
    return (ns / 1e9).toFixed(2) + ' s';
  }
  function keyName(k) { return k === null || k === undefined ? '(no key)' : String(k); }
  function opText(o) {
    return 'p' + o[1] + ' ' + D.fs[o[2]] + (o[7] === null ? '' : ' ' + o[7]) + ' → ' + OUTCOME[o[6]] +
      (o[8] === null ? '' : ' ' + o[8]);
  }
  function viewText(v) {
    return 'p' + v.process + ' ' + v.f + (v.value === undefined || v.value === null ? '' : ' ' + JSON.stringify(v.value)) +
      ' → ' + v.outcome + (v.result === undefined || v.result === null ? '' : ' ' + JSON.stringify(v.result));
  }

  // Index: operations per key, and key results by key name.
  var byKey = {};
  ops.forEach(function (o, i) {
    var k = keyName(D.keys[o[3]]);
    (byKey[k] = byKey[k] || []).push(i);
  });
  var keyResults = {};
  R.keys.forEach(function (k) { keyResults[keyName(k.key)] = k; });

  function renderHeader() {
    var c = R.counts || {};
    var h = '<h1><span class="badge ' + R.verdict + '">' + esc(R.verdict.toUpperCase()) + '</span>' +
      'History check · model <code>' + esc(R.model) + '</code></h1>' +
      '<div class="summary">' + esc(R.summary) + '</div><div class="counts">' +
      '<span>operations <b>' + (c.total || 0) + '</b></span><span>ok <b>' + (c.ok || 0) + '</b></span>' +
      '<span>fail <b>' + (c.fail || 0) + '</b></span><span>info <b>' + (c.info || 0) + '</b></span>' +
      '<span>keys <b>' + R.keys.length + '</b></span><span>nemesis steps <b>' + R.nemesisSteps + '</b></span>' +
      '<span>checked in <b>' + R.millis + ' ms</b></span></div>';
    var byF = c.byF || {};
    var parts = Object.keys(byF).map(function (f) {
      var m = byF[f];
      return '<code>' + esc(f) + '</code> ' + Object.keys(m).map(function (o) { return o + ' ' + m[o]; }).join(', ');
    });
    if (parts.length) { h += '<div class="counts" style="margin-top:4px">' + parts.join(' · ') + '</div>'; }
    $('head').innerHTML = h;
  }

  function renderKeys(selected) {
    var rows = R.keys.slice().sort(function (a, b) {
      var r = { invalid: 0, unknown: 1, valid: 2 };
      return r[a.verdict] - r[b.verdict];
    });
    var limit = 300;
    var h = '<table><thead><tr><th>key</th><th>verdict</th><th>operations</th><th>searched</th>' +
      '<th>configurations</th><th>ms</th><th>details</th></tr></thead><tbody>';
    rows.slice(0, limit).forEach(function (k) {
      var name = keyName(k.key);
      h += '<tr class="clickable' + (name === selected ? ' sel' : '') + '" data-key="' + esc(name) + '"><td><code>' +
        esc(name) + '</code></td><td class="v-' + k.verdict + '">' + k.verdict + '</td><td>' + k.operations +
        '</td><td>' + k.searched + '</td><td>' + k.configurations + '</td><td>' + k.millis + '</td><td>' +
        esc(k.reason || '') + (k.notes && k.notes.length ? '<ul class="notes">' + k.notes.map(function (n) {
          return '<li>' + esc(n) + '</li>';
        }).join('') + '</ul>' : '') + '</td></tr>';
    });
    h += '</tbody></table>';
    if (rows.length > limit) { h += '<p class="muted">… and ' + (rows.length - limit) + ' more keys (all valid).</p>'; }
    $('keys').innerHTML = h;
  }

  function renderViolation(kr) {
    var sec = $('violation-section');
    var ce = kr && kr.counterexample;
    if (!kr || kr.verdict === 'valid' || (!ce && kr.verdict !== 'unknown')) { sec.hidden = true; return; }
    sec.hidden = false;
    if (!ce) {
      $('violation').innerHTML = '<p>Search for key <code>' + esc(keyName(kr.key)) + '</code> stopped: ' +
        esc(kr.reason || '') + '. Longest linearizable prefix reached: ' + kr.longestPrefix + ' operations.</p>';
      return;
    }
    var h = '<p>Key <code>' + esc(keyName(kr.key)) + '</code> is <b>not linearizable</b>. The longest linearizable ' +
      'prefix the search found has <b>' + ce.prefixLength + '</b> operations; after it the model state is ' +
      '<span class="state mono">' + esc(ce.stateAtFailure) + '</span>, and this operation cannot be placed ' +
      '(it completed before any point where the model allows it):</p>' +
      '<div class="violation-op mono" id="unplaceable">' + esc(ce.unplaceable ? viewText(ce.unplaceable) : '?') +
      (ce.unplaceable ? '  <span class="muted">(history line ' + ce.unplaceable.line + ')</span>' : '') + '</div>' +
      '<p class="muted">Partial linearization (hover a row or a bar in the timeline for the state after each step)' +
      (ce.prefixOmitted ? '; the first ' + ce.prefixOmitted + ' steps are omitted' : '') +
      '. Initial state: <span class="state mono">' + esc(ce.initialState) + '</span></p>' +
      '<div class="steps"><table><thead><tr><th>#</th><th>operation</th><th>state after</th></tr></thead><tbody>';
    ce.prefix.forEach(function (s, i) {
      h += '<tr title="state after: ' + esc(s.stateAfter) + '"><td>' + (ce.prefixOmitted + i + 1) + '</td><td class="mono">' +
        esc(viewText(s.op)) + '</td><td class="mono">' + esc(s.stateAfter) + '</td></tr>';
    });
    h += '<tr class="sel"><td>✗</td><td class="mono">' + esc(ce.unplaceable ? viewText(ce.unplaceable) : '?') +
      '</td><td class="mono">cannot be placed in <span class="state">' + esc(ce.stateAtFailure) + '</span></td></tr>';
    $('violation').innerHTML = h + '</tbody></table></div>' + leaseText(ce);
    var steps = $('violation').querySelector('.steps');
    steps.scrollTop = steps.scrollHeight; // the end of the prefix is where it goes wrong
  }

  // Timed lock model: the holds after the prefix and the blocked request, with their lease windows.
  function leaseText(ce) {
    var ls = ce.leases || [];
    if (!ls.length) { return ''; }
    return '<p id="lease-windows">Lease windows (drawn on the timeline): ' + ls.map(function (l) {
      var o = ops[l.opId];
      return l.role === 'blocked'
        ? '<b>' + esc(l.client) + '</b> was granted ' + esc(l.mode) + ' by <span class="mono">' + esc(opText(o)) +
          '</span>, completed at ' + fmtTime(o[5]) + ', while the hold above was surely still alive'
        : '<b>' + esc(l.client) + '</b> holds ' + esc(l.mode) + ' since <span class="mono">' + esc(opText(o)) +
          '</span> invoked at ' + fmtTime(l.from) + '; its lease cannot have run out before ' + fmtTime(l.surelyUntil) +
          ' and it was never released before that';
    }).join('; ') + '.</p>';
  }

  // One band per lease window in its holder's lane: from the granting acquire's invoke to the
  // instant before which the lease cannot have run out (dashed line, labelled).
  function leaseRects(ce, x, lane, top, laneH) {
    var s = '';
    ((ce && ce.leases) || []).forEach(function (l) {
      var o = ops[l.opId];
      if (!o || lane[o[1]] === undefined) { return; }
      var y = top + lane[o[1]] * laneH - 3, blocked = l.role === 'blocked';
      var col = blocked ? COLOR.bad : COLOR.lin;
      var x0 = x(l.from), x1 = Math.max(x0 + 2, x(l.surelyUntil));
      s += '<rect class="lease" data-lease="' + esc(l.client) + '" x="' + x0.toFixed(1) + '" y="' + y + '" width="' +
        (x1 - x0).toFixed(1) + '" height="' + (laneH) + '" fill="' + col + '" fill-opacity="0.12" stroke="' + col +
        '" stroke-opacity="0.6" stroke-dasharray="4 2"><title>' + esc(l.client + ' ' + l.mode + ' lease surely alive ' +
        fmtTime(l.from) + ' – ' + fmtTime(l.surelyUntil)) + '</title></rect>' +
        '<line x1="' + x1.toFixed(1) + '" x2="' + x1.toFixed(1) + '" y1="' + (y - 4) + '" y2="' + (y + laneH + 2) +
        '" stroke="' + col + '" stroke-width="2"/>' +
        '<text x="' + (x1 + 3).toFixed(1) + '" y="' + (y + 9) + '" style="fill:' + col + '">' + esc(l.client) +
        (blocked ? ' granted ' + esc(l.mode) + ' (✗), its lease to ' + fmtTime(l.surelyUntil) : ' lease until ' + fmtTime(l.surelyUntil)) + '</text>';
    });
    return s;
  }

  function renderQueue(kr) {
    var sec = $('queue-section');
    var q = kr && kr.queue;
    if (!q) { sec.hidden = true; return; }
    sec.hidden = false;
    function list(xs) { return xs.length ? '<code>' + esc(xs.map(function (x) { return JSON.stringify(x); }).join(', ')) + '</code>' : '—'; }
    $('queue').innerHTML = '<table><tbody>' +
      '<tr><th>attempted</th><td>' + q.attempted + '</td><th>acknowledged</th><td>' + q.acknowledged + '</td><th>delivered</th><td>' + q.delivered + '</td></tr>' +
      '<tr><th>lost</th><td class="' + (q.lostCount ? 'v-invalid' : '') + '">' + q.lostCount + '</td><td colspan="4">' + list(q.lost) + '</td></tr>' +
      '<tr><th>unexpected</th><td class="' + (q.unexpectedCount ? 'v-invalid' : '') + '">' + q.unexpectedCount + '</td><td colspan="4">' + list(q.unexpected) + '</td></tr>' +
      '<tr><th>duplicated</th><td>' + q.duplicatedCount + ' (' + q.duplicateDeliveries + ' extra deliveries)</td><td colspan="4">' + list(q.duplicated) + '</td></tr>' +
      '<tr><th>recovered</th><td>' + q.recoveredCount + '</td><td colspan="4">' + list(q.recovered) + '</td></tr>' +
      '<tr><th>timed violations</th><td class="' + (q.timedViolationCount ? 'v-invalid' : '') + '">' + (q.timedViolationCount || 0) +
      '</td><td colspan="4">' + ((q.timedViolations || []).length ? '<ul class="notes" id="timed-violations">' +
        q.timedViolations.map(function (v) { return '<li>' + esc(v) + '</li>'; }).join('') + '</ul>' : '—') + '</td></tr>' +
      '</tbody></table>' + (q.drained ? '' : '<p class="v-unknown">No drain in this history: messages still queued count as lost.</p>');
  }

  function nemesisRects(x, y0, h, t0, t1) {
    var s = '';
    bands.forEach(function (n) {
      var a = Math.max(n[1], t0), b = n[2];
      if (b < t0 || a > t1) { return; }
      var w = Math.max(2, x(b) - x(a));
      s += '<rect x="' + x(a).toFixed(1) + '" y="' + y0 + '" width="' + w.toFixed(1) + '" height="' + h +
        '" fill="rgba(214,45,45,0.10)"><title>' + esc(n[0]) + '</title></rect>' +
        '<text x="' + (x(a) + 2).toFixed(1) + '" y="' + (y0 + 10) + '" style="fill:#d62d2d">' + esc(n[0].split(' ')[0]) + '</text>';
    });
    return s;
  }

  // Timeline: one lane per process, one bar per operation, built as a single SVG string.
  var current = null;
  function renderTimeline(name) {
    var idx = byKey[name] || [];
    var kr = keyResults[name];
    var ce = kr && kr.counterexample;
    var step = {}, bad = -1;
    if (ce) {
      ce.prefix.forEach(function (s, i) { step[s.op.id] = { n: ce.prefixOmitted + i + 1, state: s.stateAfter }; });
      if (ce.unplaceable) { bad = ce.unplaceable.id; }
    }
    var procs = [], lane = {};
    idx.forEach(function (i) { var p = ops[i][1]; if (lane[p] === undefined) { lane[p] = 0; procs.push(p); } });
    procs.sort(function (a, b) { return a - b; });
    procs.forEach(function (p, j) { lane[p] = j; });
    var t0 = idx.length ? ops[idx[0]][4] : 0;
    var t1 = END;
    ((ce && ce.leases) || []).forEach(function (l) { t1 = Math.max(t1, l.surelyUntil + (l.surelyUntil - t0) / 20); });
    var left = 64, laneH = 18, top = 26;
    var W = Math.round(zoom * Math.max(1000, Math.min(60000, idx.length * 10)));
    var H = top + procs.length * laneH + 10;
    var span = Math.max(1, t1 - t0);
    function x(t) { return left + (t - t0) / span * W; }
    var right = ce && ce.leases && ce.leases.length ? 200 : 20; // room for the lease labels
    var s = '<svg id="timeline-svg" width="' + (left + W + right) + '" height="' + H + '">';
    for (var g = 0; g <= 10; g++) {
      var tx = left + W * g / 10;
      s += '<line x1="' + tx + '" x2="' + tx + '" y1="' + (top - 6) + '" y2="' + H + '" stroke="#eef0f3"/>' +
        '<text x="' + (tx + 2) + '" y="12">' + fmtTime(t0 + span * g / 10) + '</text>';
    }
    s += nemesisRects(x, top - 4, H - top + 4, t0, t1);
    s += leaseRects(ce, x, lane, top, laneH);
    procs.forEach(function (p, j) {
      s += '<text x="4" y="' + (top + j * laneH + 11) + '">p' + p + '</text>';
    });
    idx.forEach(function (i) {
      var o = ops[i], y = top + lane[o[1]] * laneH;
      var open = o[5] < 0;
      var xe = open ? x(END) : x(o[5]);
      var w = Math.max(2, xe - x(o[4]));
      var st = step[o[0]];
      var stroke = o[0] === bad ? ' stroke="' + COLOR.bad + '" stroke-width="3"' : st ? ' stroke="' + COLOR.lin + '" stroke-width="1.5"' : '';
      s += '<rect data-i="' + i + '" x="' + x(o[4]).toFixed(1) + '" y="' + y + '" width="' + w.toFixed(1) +
        '" height="12" rx="2" fill="' + COLOR[OUTCOME[o[6]]] + '"' + (open ? ' fill-opacity="0.45"' : '') + stroke + '/>';
      if (st && w > 18) {
        s += '<text x="' + (x(o[4]) + 2).toFixed(1) + '" y="' + (y + 10) + '" style="fill:#fff;font-size:9px">' + st.n + '</text>';
      }
      if (o[0] === bad) {
        s += '<text x="' + (x(o[4]) - 12).toFixed(1) + '" y="' + (y + 11) + '" style="fill:' + COLOR.bad + ';font-weight:700">✗</text>';
      }
    });
    s += '</svg>';
    $('timeline').innerHTML = s;
    $('timeline-key').textContent = '· key ' + name + ' · ' + idx.length + ' operations, ' + procs.length + ' processes';
    var badRect = bad >= 0 ? $('timeline').querySelector('rect[stroke="' + COLOR.bad + '"]') : null;
    if (badRect) {
      $('timeline').scrollLeft = Math.max(0, parseFloat(badRect.getAttribute('x')) - 300);
      $('timeline').scrollTop = Math.max(0, parseFloat(badRect.getAttribute('y')) - 200);
    }
    current = { step: step, bad: bad, state: ce ? ce.stateAtFailure : null };
  }

  function showTip(ev, text) {
    var tip = $('tip');
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 540) + 'px';
    tip.style.top = (ev.clientY + 14) + 'px';
  }

  $('timeline').addEventListener('mousemove', function (ev) {
    var i = ev.target.getAttribute && ev.target.getAttribute('data-i');
    if (i === null || i === undefined) { $('tip').hidden = true; return; }
    var o = ops[+i];
    var t = opText(o) + '\ninvoke ' + fmtTime(o[4]) + (o[5] < 0 ? ', never completed' : ', completed ' + fmtTime(o[5]) +
      ' (latency ' + fmtTime(o[5] - o[4]) + ')');
    var st = current && current.step[o[0]];
    if (st) { t += '\nlinearization step ' + st.n + '; state after: ' + st.state; }
    if (current && current.bad === o[0]) { t += '\nCANNOT BE PLACED; state there: ' + current.state; }
    showTip(ev, t);
  });
  $('timeline').addEventListener('mouseleave', function () { $('tip').hidden = true; });

  function selectKey(name) {
    var kr = keyResults[name];
    renderKeys(name);
    renderViolation(kr);
    renderQueue(kr);
    renderTimeline(name);
    $('key-select').value = name;
  }

  function renderLatency() {
    var canvas = $('latency');
    var W = Math.max(900, ($('latency-section').clientWidth || 900) - 40);
    canvas.width = W;
    var H = canvas.height, left = 56, bottom = 24, ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, W, H);
    var lats = [];
    ops.forEach(function (o) { if (o[5] >= 0) { lats.push(Math.max(1, o[5] - o[4])); } });
    var lo = Math.floor(Math.log10(lats.length ? lats.reduce(function (a, b) { return Math.min(a, b); }, Infinity) : 1e3));
    var hi = Math.ceil(Math.log10(lats.length ? lats.reduce(function (a, b) { return Math.max(a, b); }, 1) : 1e9));
    if (hi <= lo) { hi = lo + 1; }
    function x(t) { return left + t / END * (W - left - 10); }
    function y(l) { return (H - bottom) - (Math.log10(Math.max(1, l)) - lo) / (hi - lo) * (H - bottom - 10); }
    ctx.fillStyle = 'rgba(214,45,45,0.10)';
    bands.forEach(function (n) { ctx.fillRect(x(n[1]), 0, Math.max(2, x(n[2]) - x(n[1])), H - bottom); });
    ctx.strokeStyle = '#e2e6ea'; ctx.fillStyle = '#6b7683'; ctx.font = '11px system-ui, sans-serif';
    for (var d = lo; d <= hi; d++) {
      ctx.beginPath(); ctx.moveTo(left, y(Math.pow(10, d))); ctx.lineTo(W, y(Math.pow(10, d))); ctx.stroke();
      ctx.fillText(fmtTime(Math.pow(10, d)), 2, y(Math.pow(10, d)) + 4);
    }
    for (var g = 0; g <= 10; g++) { ctx.fillText(fmtTime(END * g / 10), x(END * g / 10), H - 6); }
    ops.forEach(function (o) {
      if (o[5] < 0) { return; }
      var px = x(o[5]), py = y(o[5] - o[4]);
      ctx.fillStyle = ctx.strokeStyle = PALETTE[o[2] % PALETTE.length];
      if (o[6] === 0) { ctx.fillRect(px - 1.5, py - 1.5, 3, 3); }
      else if (o[6] === 1) { ctx.beginPath(); ctx.moveTo(px - 3, py - 3); ctx.lineTo(px + 3, py + 3); ctx.moveTo(px + 3, py - 3); ctx.lineTo(px - 3, py + 3); ctx.stroke(); }
      else { ctx.beginPath(); ctx.moveTo(px, py - 4); ctx.lineTo(px + 4, py + 3); ctx.lineTo(px - 4, py + 3); ctx.closePath(); ctx.fill(); }
    });
    $('latency-legend').innerHTML = D.fs.map(function (f, i) {
      return '<i class="sw" style="background:' + PALETTE[i % PALETTE.length] + '"></i>' + esc(f);
    }).join(' ') + ' &nbsp; ■ ok &nbsp; ✕ fail &nbsp; ▲ info (timed out) &nbsp; <i class="sw nem"></i>nemesis';
  }

  function renderThroughput() {
    var svg = $('throughput');
    var W = Math.max(900, ($('throughput-section').clientWidth || 900) - 40), H = 220, left = 56, bottom = 24;
    svg.setAttribute('width', W);
    var bins = 120, binNs = END / bins, counts = [[], [], []];
    for (var b = 0; b < bins; b++) { counts[0].push(0); counts[1].push(0); counts[2].push(0); }
    ops.forEach(function (o) {
      if (o[5] >= 0) { counts[o[6]][Math.min(bins - 1, Math.floor(o[5] / binNs))]++; }
    });
    var perSec = 1e9 / binNs, max = 1;
    counts.forEach(function (c) { c.forEach(function (v) { max = Math.max(max, v * perSec); }); });
    function x(t) { return left + t / END * (W - left - 10); }
    function y(v) { return (H - bottom) - v / max * (H - bottom - 12); }
    var s = nemesisRects(x, 0, H - bottom, 0, END);
    [0, 0.5, 1].forEach(function (f) {
      s += '<line x1="' + left + '" x2="' + W + '" y1="' + y(max * f) + '" y2="' + y(max * f) + '" stroke="#e2e6ea"/>' +
        '<text x="2" y="' + (y(max * f) + 4) + '">' + Math.round(max * f) + '/s</text>';
    });
    for (var g = 0; g <= 10; g++) { s += '<text x="' + x(END * g / 10) + '" y="' + (H - 6) + '">' + fmtTime(END * g / 10) + '</text>'; }
    counts.forEach(function (c, k) {
      var pts = c.map(function (v, i) { return x((i + 0.5) * binNs).toFixed(1) + ',' + y(v * perSec).toFixed(1); });
      s += '<polyline fill="none" stroke-width="1.8" stroke="' + COLOR[OUTCOME[k]] + '" points="' + pts.join(' ') + '"/>';
    });
    s += '<text x="' + (W - 160) + '" y="14" style="fill:' + COLOR.ok + '">ok</text><text x="' + (W - 120) +
      '" y="14" style="fill:#6b7683">fail</text><text x="' + (W - 80) + '" y="14" style="fill:' + COLOR.info + '">info</text>';
    svg.innerHTML = s;
  }

  renderHeader();
  var names = R.keys.map(function (k) { return keyName(k.key); });
  var firstProblem = R.keys.filter(function (k) { return k.verdict !== 'valid'; })[0];
  var sel = $('key-select');
  sel.innerHTML = names.map(function (n) {
    return '<option value="' + esc(n) + '">' + esc(n) + ' (' + keyResults[n].verdict + ')</option>';
  }).join('');
  sel.addEventListener('change', function () { selectKey(sel.value); });
  $('keys').addEventListener('click', function (ev) {
    var tr = ev.target.closest && ev.target.closest('tr[data-key]');
    if (tr) { selectKey(tr.getAttribute('data-key')); }
  });
  $('zoom-in').addEventListener('click', function () { zoom = Math.min(zoom * 2, 64); renderTimeline(sel.value); });
  $('zoom-out').addEventListener('click', function () { zoom = Math.max(zoom / 2, 1 / 16); renderTimeline(sel.value); });
  $('violation').addEventListener('mousemove', function (ev) {
    var tr = ev.target.closest && ev.target.closest('tr[title]');
    if (tr) { showTip(ev, tr.getAttribute('title')); } else { $('tip').hidden = true; }
  });
  $('violation').addEventListener('mouseleave', function () { $('tip').hidden = true; });
  if (names.length) { selectKey(firstProblem ? keyName(firstProblem.key) : names[0]); }
  else { $('timeline').textContent = 'No client operations.'; }
  renderLatency();
  renderThroughput();
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
  if (!window.__reportErrors || window.__reportErrors.length === 0) { document.body.setAttribute('data-render', 'done'); }
})();
