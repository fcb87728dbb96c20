// The operator's forms (purge, warm, cache switch, drain), each calling the admin API as curl would, and the
// activity list that follows every request until it is done: a purge or warm until every edge has answered.
import { call } from './api.js';
import { clock } from './format.js';

const POLL_MS = 500;
/** Operations are re-sent for minutes to edges that do not answer; the page stops watching after this. */
const WATCH_LIMIT_MS = 120000;
const MAX_ENTRIES = 30;

export class Actions {
  constructor(root, activityList, { onToken }) {
    this.root = root;
    this.list = activityList;
    this.onToken = onToken;
    this.cacheEnabled = undefined;

    this.bind('purge', (form) => {
      const lines = linesOf(form.elements.targets.value);
      if (lines.length === 0) throw new Error('Write at least one URL, prefix or tag, one per line.');
      const kind = form.elements.kind.value;
      return { label: `Purge ${describe(lines, kind)}`, run: (entry) => this.operation(entry, 'purge', { [kind]: lines, soft: form.elements.soft.checked }) };
    });
    this.bind('warm', (form) => {
      const lines = linesOf(form.elements.urls.value);
      if (lines.length === 0) throw new Error('Write at least one URL, one per line.');
      return { label: `Warm ${describe(lines, 'urls')}`, run: (entry) => this.operation(entry, 'warm', { urls: lines }) };
    });
    this.bind('cache', () => ({
      label: this.cacheEnabled === false ? 'Enable the cache' : 'Disable the cache',
      run: async (entry) => entry.done((await call('POST', '/toggle_cache')).status),
    }));
    this.bind('drain', (form) => {
      const id = form.elements.node.value.trim();
      if (!id) throw new Error('Name the node.');
      return this.drainAction(id, form.elements.state.value === 'draining');
    });
  }

  /** The current switch, as the event stream tells it. */
  setCacheEnabled(enabled) {
    this.cacheEnabled = enabled;
    const state = this.root.querySelector('[data-role=cache-state]');
    state.textContent = enabled ? 'Caching is on at every edge.' : 'Caching is off: every request goes to a node.';
    state.dataset.enabled = String(enabled);
    const button = this.root.querySelector('form[data-action=cache] button');
    button.textContent = enabled ? 'Disable cache' : 'Enable cache';
    button.classList.toggle('danger', enabled);
  }

  /** A row's Drain / Undrain button. */
  drain(id, drain) {
    const { label, run } = this.drainAction(id, drain);
    this.start(label, run);
  }

  drainAction(id, drain) {
    return {
      label: `${drain ? 'Drain' : 'Undrain'} ${id}`,
      run: async (entry) => {
        const node = await call('PATCH', `/nodes/${encodeURIComponent(id)}`, { state: drain ? 'draining' : 'active' });
        entry.done(`${node.id} is ${node.status}`);
      },
    };
  }

  bind(name, prepare) {
    const form = this.root.querySelector(`form[data-action=${name}]`);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      let action;
      try {
        action = prepare(form);
      } catch (err) {
        return void this.entry(`${form.querySelector('h3').textContent}: not sent`).fail(err.message);
      }
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      this.start(action.label, action.run).finally(() => (button.disabled = false));
    });
  }

  async start(label, run) {
    const entry = this.entry(label);
    try {
      await run(entry);
    } catch (err) {
      if (err.status === 401 || err.status === 403) this.onToken(err.message);
      entry.fail(err.message);
    }
  }

  /** POST /cache/<type>, then GET /operations/<id> until every edge has answered. */
  async operation(entry, type, body) {
    const { operation_id: id } = await call('POST', `/cache/${type}`, body);
    entry.element.dataset.operation = id;
    entry.progress(`accepted as ${id}; waiting for the edges`);
    const started = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const op = await call('GET', `/operations/${encodeURIComponent(id)}`);
      const answered = op.receipts.length;
      if (op.complete) {
        const entries = op.receipts.reduce((sum, r) => sum + r.entries_affected, 0);
        const errors = op.receipts.flatMap((r) => r.errors);
        const lost = op.lost_edges.length > 0 ? `, ${op.lost_edges.length} lost (${op.lost_edges.join(', ')})` : '';
        const summary = `completed on ${answered} edge${answered === 1 ? '' : 's'}${lost}: ${entries} cache entr${entries === 1 ? 'y' : 'ies'} ${type === 'purge' ? 'purged' : 'stored'}`;
        return errors.length > 0 ? entry.fail(`${summary}; ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors.slice(0, 3).join('; ')}`) : entry.done(summary);
      }
      entry.progress(`${answered} of ${op.expected_edges.length} edges answered; waiting for ${op.pending_edges.join(', ')}`);
      if (Date.now() - started > WATCH_LIMIT_MS) return entry.fail(`still pending after ${WATCH_LIMIT_MS / 1000} s; see GET /operations/${id}`);
    }
  }

  /** A new line at the top of the activity list; its `entry` moves it through pending → done | failed. */
  entry(label, detail = 'sending…') {
    const li = document.createElement('li');
    li.dataset.state = 'pending';
    li.innerHTML = '<span class="dot"></span><div><div class="title"></div><div class="detail"></div></div><time></time>';
    li.querySelector('.title').textContent = label;
    li.querySelector('time').textContent = clock(new Date());
    const detailEl = li.querySelector('.detail');
    detailEl.textContent = detail;
    const set = (state, text) => {
      li.dataset.state = state;
      detailEl.textContent = text;
    };
    const entry = { element: li, progress: (text) => set('pending', text), done: (text) => set('done', text), fail: (text) => set('failed', text) };
    this.list.prepend(li);
    while (this.list.children.length > MAX_ENTRIES) this.list.lastElementChild.remove();
    this.list.closest('section').querySelector('[data-role=empty]').hidden = true;
    return entry;
  }
}

function linesOf(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function describe(lines, kind) {
  const noun = { urls: 'URL', prefixes: 'prefix', tags: 'tag' }[kind];
  return lines.length === 1 ? `${noun} ${lines[0]}` : `${lines.length} ${noun === 'prefix' ? 'prefixes' : `${noun}s`}`;
}
