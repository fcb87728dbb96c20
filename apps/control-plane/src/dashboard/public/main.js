// The dashboard: one event stream feeds the header figures, the node and edge tables and the charts;
// the forms act through the admin API.
import { Actions } from './actions.js';
import { setToken, token } from './api.js';
import { setCard } from './cards.js';
import { openEventStream } from './event-stream.js';
import { EdgeTable } from './edge-table.js';
import { NodeTable } from './node-table.js';
import { TrafficCharts } from './traffic-charts.js';

const $ = (selector) => document.querySelector(selector);

/** The control plane's clock minus ours, from the `at` of its events: ages are counted on its clock. */
let clockOffset = 0;
const serverNow = () => Date.now() + clockOffset;

const nodes = new NodeTable($('#nodes'), { onDrain: (id, drain) => actions.drain(id, drain), serverNow });
const edges = new EdgeTable($('#edges'), { serverNow });
const charts = new TrafficCharts($('#traffic'));
const actions = new Actions($('#actions'), $('#activity ol'), { onToken: askForToken });

const stream = openEventStream({
  onEvent(name, data) {
    if (data.at) clockOffset = Date.parse(data.at) - Date.now();
    switch (name) {
      case 'snapshot':
        nodes.replace(data.nodes);
        showSummary(data.summary);
        edges.update(data.edges);
        if (data.stats) charts.update(data.stats);
        break;
      case 'nodes':
        nodes.replace(data.nodes);
        break;
      case 'node_changes':
        nodes.apply(data);
        break;
      case 'edges':
        edges.update(data);
        break;
      case 'summary':
        showSummary(data);
        break;
      case 'stats':
        charts.update(data);
        break;
    }
  },
  onState(state, detail) {
    const pill = $('#connection');
    pill.dataset.state = state;
    pill.textContent = { live: 'Live', reconnecting: 'Reconnecting…', token: 'Token needed' }[state];
    pill.title = detail ?? '';
    document.body.dataset.connection = state;
    if (state === 'token') askForToken(detail);
  },
});

// Ages move on between events.
setInterval(() => {
  nodes.schedule();
  edges.render();
}, 1000);

function showSummary(summary) {
  const n = summary.nodes;
  const out = ['inactive', 'suspect', 'draining'].filter((status) => n[status] > 0).map((status) => `${n[status]} ${status}`);
  setCard('nodes', `${n.active} / ${n.total}`, n.total === 0 ? 'none registered' : out.length === 0 ? 'all active' : out.join(' · '), n.total > 0 && n.active === 0 ? 'bad' : n.inactive + n.suspect > 0 ? 'warn' : 'ok');
  const e = summary.edges;
  setCard('edges', String(e.live), `${e.lost} lost · ${e.max_lag === 0 ? 'all in sync' : `max lag ${e.max_lag}`}`, e.live === 0 || e.max_lag > 0 ? 'warn' : 'ok');
  setCard('cache', summary.cache_enabled ? 'On' : 'Off', `routing revision ${summary.revision}`, summary.cache_enabled ? 'ok' : 'warn');
  actions.setCacheEnabled(summary.cache_enabled);
  $('#replica').textContent = `${summary.replica.self}${summary.replica.leader ? ' · leader' : ' · follower'}`;
  const list = $('#node-ids');
  if (list.childElementCount !== n.total) list.replaceChildren(...nodes.ids().map((id) => Object.assign(document.createElement('option'), { value: id })));
}

function askForToken(message) {
  const panel = $('#token-panel');
  panel.hidden = false;
  $('#token-message').textContent = message ?? '';
  $('#token-input').focus();
}

$('#token-button').addEventListener('click', () => {
  const panel = $('#token-panel');
  panel.hidden = !panel.hidden;
  if (!panel.hidden) $('#token-input').focus();
});
$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken($('#token-input').value.trim());
  $('#token-input').value = '';
  $('#token-panel').hidden = true;
  showTokenState();
  stream.restart();
});
$('#token-clear').addEventListener('click', () => {
  setToken('');
  showTokenState();
  stream.restart();
});

function showTokenState() {
  $('#token-button').textContent = token() ? 'Token set' : 'Token';
}
showTokenState();
