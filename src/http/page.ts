/**
 * GET /: the live page. Self-contained: this HTML, the Graphviz WASM bundle of @viz-js/viz served from
 * node_modules at /assets/viz.js, the topology's DOT from /topology and live numbers over server-sent events
 * on /events (one JSON message a second). No CDN, works offline.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tributary</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
 header{display:flex;gap:1.5em;align-items:baseline;padding:.7em 1.2em;background:#1d2433;color:#fff}
 header h1{font-size:1.1em;margin:0} header span{opacity:.85}
 #state.running{color:#7ee787} #state.starting{color:#f2cc60} #state.failed,#state.disconnected{color:#ff7b72}
 main{display:grid;grid-template-columns:minmax(0,3fr) minmax(18em,1fr);gap:1em;padding:1em}
 section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:.8em;overflow:auto}
 h2{font-size:1em;margin:.2em 0 .6em}
 table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.2em .5em;border-bottom:1px solid #eee;font-variant-numeric:tabular-nums}
 #graph svg{max-width:100%;height:auto} .rate{font-size:11px;fill:#0a6e31;font-weight:600}
 .bar{background:#e5e9ef;height:.5em;border-radius:3px;overflow:hidden;min-width:5em} .bar i{display:block;height:100%;background:#3b82f6}
 #error{color:#b42318;white-space:pre-wrap}
</style></head>
<body>
<header><h1 id="app">Tributary</h1><span>state: <b id="state" class="starting">connecting</b></span>
<span>processed: <b id="rate">0</b> rec/s</span><span>lag: <b id="lag">0</b></span><span>commits: <b id="commits">0</b></span></header>
<main>
 <section><h2>Topology</h2><div id="graph">loading the topology...</div></section>
 <div>
  <section><h2>Tasks</h2><table id="tasks"><thead><tr><th>task</th><th>state</th><th>lag</th><th>rec/s</th><th>restore</th></tr></thead><tbody></tbody></table></section>
  <section style="margin-top:1em"><h2>Stores</h2><table id="stores"><thead><tr><th>store</th><th>kind</th></tr></thead><tbody></tbody></table></section>
  <section style="margin-top:1em"><h2>Processors</h2><table id="nodes"><thead><tr><th>node</th><th>rec/s</th><th>total</th></tr></thead><tbody></tbody></table></section>
  <p id="error"></p>
 </div>
</main>
<script>
const token = new URLSearchParams(location.search).get('access_token');
const q = token ? '?access_token=' + encodeURIComponent(token) : '';
const $ = (id) => document.getElementById(id);
const fmt = (n) => n >= 100 ? Math.round(n).toLocaleString('en') : (Math.round(n * 10) / 10).toString();
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const nodeLabels = new Map();
// the Graphviz bundle, loaded with the token when the server wants one
const vizLoaded = new Promise((resolve, reject) => {
  const el = document.createElement('script');
  el.src = 'assets/viz.js' + q;
  el.onload = resolve;
  el.onerror = () => reject(new Error('cannot load assets/viz.js'));
  document.head.appendChild(el);
});
async function drawTopology() {
  const t = await (await fetch('topology' + q)).json();
  $('app').textContent = 'Tributary: ' + t.applicationId;
  $('stores').tBodies[0].innerHTML = t.stores.map((s) => '<tr data-store="' + esc(s.name) + '"><td>' + esc(s.name) + '</td><td>' + esc(s.kind) + '</td></tr>').join('');
  await vizLoaded;
  const viz = await Viz.instance();
  const svg = viz.renderSVGElement(t.dot);
  $('graph').replaceChildren(svg);
  for (const g of svg.querySelectorAll('g.node')) {
    const name = g.querySelector('title').textContent;
    g.setAttribute('data-node', name);
    const box = g.getBBox();
    const label = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    label.setAttribute('class', 'rate');
    label.setAttribute('x', String(box.x + box.width / 2));
    label.setAttribute('y', String(box.y + box.height + 11));
    label.setAttribute('text-anchor', 'middle');
    g.appendChild(label);
    nodeLabels.set(name, label);
  }
}
function update(m) {
  $('state').textContent = m.state; $('state').className = m.state;
  $('rate').textContent = fmt(m.recordsPerSec); $('lag').textContent = m.lag; $('commits').textContent = m.commits;
  $('error').textContent = m.error || '';
  $('tasks').tBodies[0].innerHTML = m.tasks.map((t) => {
    const r = t.restore.length ? t.restore.reduce((a, p) => ({ done: a.done + p.restored, total: a.total + p.total }), { done: 0, total: 0 }) : null;
    const pct = r && r.total > 0 ? Math.min(100, Math.round(100 * r.done / r.total)) : 100;
    return '<tr data-task="' + esc(t.id) + '"><td>' + esc(t.id) + '</td><td>' + esc(t.state) + '</td><td>' + t.lag + '</td><td class="task-rate">' + fmt(t.recordsPerSec) +
      '</td><td><div class="bar" title="' + pct + '%"><i style="width:' + pct + '%"></i></div></td></tr>';
  }).join('');
  $('nodes').tBodies[0].innerHTML = Object.entries(m.nodes).map(([n, v]) => '<tr data-node="' + esc(n) + '"><td>' + esc(n) + '</td><td class="node-rate">' + fmt(v.rate) + '</td><td>' + v.total + '</td></tr>').join('');
  for (const [n, label] of nodeLabels) { const v = m.nodes[n]; label.textContent = v ? fmt(v.rate) + ' rec/s' : ''; }
}
drawTopology().catch((e) => { $('graph').textContent = 'topology: ' + e.message; });
const events = new EventSource('events' + q);
events.onmessage = (e) => update(JSON.parse(e.data));
events.onerror = () => { $('state').textContent = 'disconnected'; $('state').className = 'disconnected'; };
</script></body></html>
`;
