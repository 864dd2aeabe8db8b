// Beaver job dashboard: polls /api/state every second and renders the cluster map, hand-written
// SVG line charts, the sortable actor table and the recent samples. No external resources.
'use strict';

const TOKEN = new URLSearchParams(location.search).get('token');
const POLL_MS = 1000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2f6fde', '#d68a00', '#1f9d55', '#8e44ad'];

// Training charts read safe-rlhf's metric names from /api/state's training steps; the
// throughput chart reads the cluster series.
const CHARTS = [
  {id: 'reward', title: 'reward', lines: [{key: 'train/reward'}]},
  {id: 'cost', title: 'cost', lines: [{key: 'train/cost'}]},
  {id: 'episode-cost', title: 'episode cost vs threshold', lines: [{key: 'train/episode_cost'}],
    threshold: true},
  {id: 'lambda', title: 'λ (Lagrange multiplier)', lines: [{key: 'train/lambda'}]},
  {id: 'kl', title: 'KL divergence', lines: [{key: 'train/kl_divergence'}]},
  {id: 'tokens', title: 'generated tokens/s', series: 'tokensPerSecond'},
  {id: 'staleness', title: 'staleness (mean, max)',
    lines: [{key: 'system/staleness_mean'}, {key: 'system/staleness_max'}]},
];

let sortKey = 'path';
let sortAsc = true;
let lastState = null;

function withToken(url) {
  return TOKEN ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(TOKEN) : url;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function fmt(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}

function shortNode(address) {
  const at = address.indexOf('@');
  return at < 0 ? address : address.substring(at + 1);
}

// ---- cluster map ---------------------------------------------------------------------------
function renderCluster(state) {
  const box = document.getElementById('cluster');
  box.replaceChildren();
  for (const n of state.nodes) {
    const health = n.status === 'up' || n.status === 'reporting'
      ? (n.reachable && (n.reportAgeS === null || n.reportAgeS < 5) ? '' : 'warn')
      : (n.reachable ? 'warn' : 'bad');
    const card = el('div', {class: 'node ' + health, 'data-address': n.address},
      el('div', {class: 'addr'}, shortNode(n.address)),
      el('div', {}, ...n.roles.map(r => el('span', {class: 'badge'}, r))),
      el('div', {class: 'muted'}, n.status + (n.reachable ? '' : ' · unreachable')
        + (n.reportAgeS === null || n.reportAgeS === undefined ? ' · no report yet'
          : ' · report ' + fmt(n.reportAgeS, 1) + ' s ago')));
    if (n.heapMaxBytes) {
      const pct = Math.min(100, 100 * n.heapUsedBytes / n.heapMaxBytes);
      card.append(el('div', {class: 'muted'}, 'heap ' + fmt(n.heapUsedBytes / 1048576, 0)
        + ' / ' + fmt(n.heapMaxBytes / 1048576, 0) + ' MiB · load ' + fmt(n.loadAverage, 2)
        + ' · ' + n.actors + ' actors'));
      const bar = el('div', {class: 'bar'});
      const fill = el('span');
      fill.style.width = pct.toFixed(1) + '%';
      bar.append(fill);
      card.append(bar);
    }
    box.append(card);
  }
  if (state.nodes.length === 0) box.append(el('div', {class: 'muted'}, 'no node has reported yet'));
}

// ---- charts --------------------------------------------------------------------------------
function chartData(def, state) {
  if (def.series) {
    const t0 = state.series.length ? state.series[state.series.length - 1].time : 0;
    return [state.series.filter(p => p[def.series] !== null)
      .map(p => [(p.time - t0) / 1000, p[def.series]])];
  }
  return def.lines.map(l => state.training
    .filter(t => t.metrics[l.key] !== undefined && t.metrics[l.key] !== null)
    .map(t => [t.step, t.metrics[l.key]]));
}

function drawChart(def, state) {
  let box = document.getElementById('chart-' + def.id);
  if (!box) {
    box = el('div', {class: 'chart', id: 'chart-' + def.id},
      el('div', {class: 'chart-head'}, el('span', {class: 'title'}, def.title),
        el('span', {class: 'value'}, '–')));
    box.append(svg('svg', {viewBox: '0 0 300 130', preserveAspectRatio: 'none'}));
    document.getElementById('charts').append(box);
  }
  const lines = chartData(def, state);
  const threshold = def.threshold ? state.job.threshold : null;
  const all = lines.flat();
  const plot = box.querySelector('svg');
  plot.replaceChildren();
  box.dataset.points = String(all.length);
  const last = lines[0].length ? lines[0][lines[0].length - 1][1] : null;
  box.querySelector('.value').textContent = fmt(last)
    + (threshold !== null && threshold !== undefined ? ' (threshold ' + fmt(threshold) + ')' : '');
  const W = 300, H = 130, L = 42, R = 6, T = 6, B = 16;
  plot.append(svg('line', {class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B}));
  plot.append(svg('line', {class: 'axis', x1: L, y1: T, x2: L, y2: H - B}));
  if (all.length === 0) {
    const t = svg('text', {class: 'empty', x: L + 8, y: H / 2});
    t.textContent = 'waiting for data';
    plot.append(t);
    return;
  }
  let xs = all.map(p => p[0]), ys = all.map(p => p[1]);
  if (threshold !== null && threshold !== undefined) ys = ys.concat([threshold]);
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { const d = Math.abs(y0) * 0.1 || 1; y0 -= d; y1 += d; }
  const sx = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const sy = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  for (const [v, y] of [[y1, T + 8], [y0, H - B]]) {
    const t = svg('text', {class: 'label', x: 2, y: y});
    t.textContent = fmt(v, 2);
    plot.append(t);
  }
  const xl = svg('text', {class: 'label', x: W - R, y: H - 3, 'text-anchor': 'end'});
  xl.textContent = def.series ? fmt(x0, 0) + ' s … now' : 'step ' + fmt(x0, 0) + ' … ' + fmt(x1, 0);
  plot.append(xl);
  if (threshold !== null && threshold !== undefined) {
    plot.append(svg('line', {x1: L, x2: W - R, y1: sy(threshold), y2: sy(threshold),
      stroke: '#d0342c', 'stroke-dasharray': '4 3', class: 'threshold'}));
  }
  lines.forEach((pts, i) => {
    if (pts.length === 0) return;
    const d = pts.map(p => sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1)).join(' ');
    plot.append(svg('polyline', {points: d, fill: 'none', stroke: COLORS[i % COLORS.length],
      'stroke-width': 1.6, 'stroke-dasharray': i > 0 ? '3 2' : ''}));
    if (pts.length === 1) {
      plot.append(svg('circle', {cx: sx(pts[0][0]), cy: sy(pts[0][1]), r: 2.5,
        fill: COLORS[i % COLORS.length]}));
    }
  });
}

// ---- actor table ---------------------------------------------------------------------------
const FIGURES = [
  ['rates', 'rollout_tokens_total', 'tokens/s'], ['gauges', 'generation_batch_size', 'batch'],
  ['gauges', 'version_lag', 'lag'], ['rates', 'scorer_samples_total', 'samples/s'],
  ['gauges', 'learner_train_seconds', 'train s'], ['gauges', 'learner_prepare_seconds', 'prep s'],
  ['gauges', 'learner_weight_sync_seconds', 'sync s'], ['gauges', 'learner_wait_seconds', 'wait s'],
  ['gauges', 'learner_version', 'version'],
];

function figures(a) {
  return FIGURES.filter(([kind, key]) => a[kind] && a[kind][key] !== undefined && a[kind][key] !== null)
    .map(([kind, key, label]) => label + ' ' + fmt(a[kind][key], 2)).join(' · ');
}

function renderActors(state) {
  const rows = state.actors.map(a => Object.assign({}, a, {figures: figures(a)}));
  rows.sort((p, q) => {
    const a = p[sortKey], b = q[sortKey];
    const c = (a === null) - (b === null) || (typeof a === 'number' && typeof b === 'number'
      ? a - b : String(a).localeCompare(String(b)));
    return sortAsc ? c : -c;
  });
  const body = document.querySelector('#actors tbody');
  body.replaceChildren(...rows.map(a => el('tr',
    {class: 'actor-row' + (a.alive ? '' : ' stopped'), 'data-role': a.role, 'data-path': a.path},
    el('td', {}, shortNode(a.node)), el('td', {}, a.path), el('td', {}, a.role),
    el('td', {}, a.alive ? 'running' : 'stopped'),
    el('td', {class: 'num messages'}, fmt(a.messages)), el('td', {class: 'num'}, fmt(a.perSecond, 1)),
    el('td', {class: 'num'}, a.mailbox < 0 ? '–' : fmt(a.mailbox)),
    el('td', {class: 'num'}, fmt(a.p50Ms, 2)), el('td', {class: 'num'}, fmt(a.p95Ms, 2)),
    el('td', {class: 'num'}, fmt(a.p99Ms, 2)), el('td', {class: 'num'}, fmt(a.failures)),
    el('td', {class: 'num'}, fmt(a.restarts)), el('td', {}, a.figures))));
  for (const th of document.querySelectorAll('#actors th')) {
    th.classList.toggle('sorted', th.dataset.key === sortKey);
    th.classList.toggle('asc', th.dataset.key === sortKey && sortAsc);
  }
}

// ---- samples -------------------------------------------------------------------------------
function renderSamples(state) {
  const body = document.querySelector('#samples tbody');
  body.replaceChildren(...state.samples.map(s => el('tr', {class: 'sample-row'},
    el('td', {class: 'num'}, s.version), el('td', {class: 'num'}, fmt(s.reward)),
    el('td', {class: 'num'}, fmt(s.cost)), el('td', {class: 'text'}, s.prompt),
    el('td', {class: 'text'}, s.response))));
  if (state.samples.length === 0) {
    body.append(el('tr', {}, el('td', {colspan: 5, class: 'muted'}, 'no sample yet')));
  }
}

function render(state) {
  lastState = state;
  renderCluster(state);
  for (const def of CHARTS) drawChart(def, state);
  renderActors(state);
  renderSamples(state);
  const status = document.getElementById('status');
  status.classList.remove('error');
  status.textContent = (state.job.step === null ? 'no step yet' : 'step ' + state.job.step)
    + ' · ' + state.job.nodes + ' node(s) · ' + state.job.actorsAlive + '/' + state.job.actors
    + ' actors running · updated ' + new Date(state.time).toLocaleTimeString();
}

async function poll() {
  try {
    const r = await fetch(withToken('api/state'), {cache: 'no-store'});
    if (!r.ok) throw new Error('HTTP ' + r.status + ': ' + (await r.text()));
    render(await r.json());
  } catch (e) {
    const status = document.getElementById('status');
    status.classList.add('error');
    status.textContent = 'cannot reach the coordinator: ' + e.message;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.querySelectorAll('#actors th').forEach(th => th.addEventListener('click', () => {
  if (sortKey === th.dataset.key) sortAsc = !sortAsc; else { sortKey = th.dataset.key; sortAsc = true; }
  if (lastState) renderActors(lastState);
}));
document.getElementById('api-link').href = withToken('api/state');
document.getElementById('metrics-link').href = withToken('metrics');
poll();
