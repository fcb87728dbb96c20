// The node table: filter, status filter, sort by column and pages of PAGE_SIZE rows, so that 1,000 nodes cost
// no more to draw than 25. Rows are reused in place: a button keeps its identity (and a click in progress)
// while the table refreshes around it.
import { age, count } from './format.js';

const PAGE_SIZE = 25;
/** Problems first when sorted by status. */
const SEVERITY = { inactive: 0, suspect: 1, draining: 2, active: 3 };

const SORTS = {
  status: (a, b) => SEVERITY[a.status] - SEVERITY[b.status],
  id: (a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }),
  location: (a, b) => a.location.localeCompare(b.location),
  load: (a, b) => loadRatio(a) - loadRatio(b),
  heartbeat: (a, b) => Date.parse(b.last_heartbeat) - Date.parse(a.last_heartbeat),
};

export class NodeTable {
  /** root: the table's section; onDrain(id, drain) when a row's button is pressed; serverNow() the control plane's clock. */
  constructor(root, { onDrain, serverNow }) {
    this.root = root;
    this.onDrain = onDrain;
    this.serverNow = serverNow;
    this.rows = new Map();
    this.filter = '';
    this.status = '';
    this.sort = { key: 'status', dir: 1 };
    this.page = 0;
    this.tbody = root.querySelector('tbody');
    this.pool = [];
    this.scheduled = false;

    root.querySelector('[data-role=filter]').addEventListener('input', (e) => {
      this.filter = e.target.value.trim().toLowerCase();
      this.page = 0;
      this.render();
    });
    root.querySelector('[data-role=status]').addEventListener('change', (e) => {
      this.status = e.target.value;
      this.page = 0;
      this.render();
    });
    for (const th of root.querySelectorAll('th[data-sort]')) {
      th.addEventListener('click', () => {
        const key = th.dataset.sort;
        this.sort = { key, dir: this.sort.key === key ? -this.sort.dir : 1 };
        this.render();
      });
    }
    root.querySelector('[data-role=prev]').addEventListener('click', () => this.turn(-1));
    root.querySelector('[data-role=next]').addEventListener('click', () => this.turn(1));
    this.tbody.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-node]');
      if (button) this.onDrain(button.dataset.node, button.dataset.drain === 'true');
    });
  }

  /** Replaces every row (the snapshot and the periodic full table). */
  replace(rows) {
    this.rows = new Map(rows.map((row) => [row.id, withSearch(row)]));
    this.schedule();
  }

  apply({ upsert, remove, heartbeats }) {
    for (const row of upsert) this.rows.set(row.id, withSearch(row));
    for (const id of remove) this.rows.delete(id);
    for (const [id, at] of heartbeats) {
      const row = this.rows.get(id);
      if (row) row.last_heartbeat = at;
    }
    this.schedule();
  }

  ids() {
    return [...this.rows.keys()];
  }

  /** Coalesces many updates into one draw per frame. */
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  turn(delta) {
    this.page += delta;
    this.render();
  }

  visible() {
    const { filter, status } = this;
    const list = [];
    for (const row of this.rows.values()) {
      if (status && row.status !== status) continue;
      if (filter && !row.search.includes(filter)) continue;
      list.push(row);
    }
    const compare = SORTS[this.sort.key];
    const dir = this.sort.dir;
    list.sort((a, b) => dir * compare(a, b) || SORTS.id(a, b));
    return list;
  }

  render() {
    const list = this.visible();
    const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    this.page = Math.min(Math.max(0, this.page), pages - 1);
    const start = this.page * PAGE_SIZE;
    const shown = list.slice(start, start + PAGE_SIZE);
    while (this.pool.length < shown.length) this.pool.push(newRow(this.tbody));
    const now = this.serverNow();
    this.pool.forEach((tr, i) => {
      const row = shown[i];
      tr.hidden = row === undefined;
      if (row) fillRow(tr, row, now);
    });

    const total = this.rows.size;
    const summary = list.length === 0 ? (total === 0 ? 'No nodes registered yet' : 'No node matches') : `${start + 1}–${start + shown.length} of ${list.length}${list.length < total ? ` (${total} in all)` : ''}`;
    setText(this.root.querySelector('[data-role=range]'), summary);
    this.root.querySelector('[data-role=prev]').disabled = this.page === 0;
    this.root.querySelector('[data-role=next]').disabled = this.page >= pages - 1;
    for (const th of this.root.querySelectorAll('th[data-sort]')) {
      th.setAttribute('aria-sort', th.dataset.sort === this.sort.key ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }
}

function withSearch(row) {
  return { ...row, search: `${row.id} ${row.url} ${row.location} ${row.status} ${row.reason}`.toLowerCase() };
}

function loadRatio(row) {
  return row.capacity > 0 ? row.load / row.capacity : 0;
}

function newRow(tbody) {
  const tr = document.createElement('tr');
  tr.innerHTML =
    '<td><span class="badge"></span></td>' +
    '<td><div class="node-id"></div><div class="sub node-url"></div></td>' +
    '<td class="location"></td>' +
    '<td><div class="load"><div class="bar"><span></span></div><span class="load-text"></span></div></td>' +
    '<td class="reason-cell"><div class="reason"></div><div class="sub since"></div></td>' +
    '<td class="heartbeat num"></td>' +
    '<td class="actions"><button type="button" class="small"></button></td>';
  tbody.append(tr);
  return tr;
}

function fillRow(tr, row, now) {
  tr.dataset.node = row.id;
  tr.dataset.status = row.status;
  const [statusCell, idCell, locationCell, loadCell, reasonCell, heartbeatCell, actionCell] = tr.children;
  const badge = statusCell.firstChild;
  badge.className = `badge ${row.status}`;
  setText(badge, row.status);
  setText(idCell.firstChild, row.id);
  setText(idCell.lastChild, row.url);
  setText(locationCell, row.location);
  const ratio = loadRatio(row);
  const bar = loadCell.querySelector('.bar span');
  bar.style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
  bar.className = ratio >= 0.9 ? 'high' : ratio >= 0.7 ? 'mid' : '';
  setText(loadCell.querySelector('.load-text'), `${count(row.load)} / ${count(row.capacity)}`);
  setText(reasonCell.firstChild, row.reason);
  reasonCell.firstChild.title = row.reason;
  setText(reasonCell.lastChild, `${row.status} for ${age((now - Date.parse(row.since)) / 1000)}`);
  setText(heartbeatCell, `${age((now - Date.parse(row.last_heartbeat)) / 1000)} ago`);
  const button = actionCell.firstChild;
  const drain = row.status !== 'draining';
  button.dataset.node = row.id;
  button.dataset.drain = String(drain);
  setText(button, drain ? 'Drain' : 'Undrain');
  button.title = drain ? `Stop sending new requests to ${row.id}` : `Let ${row.id}'s health decide again`;
}

/** Writes only when the text changed: most of a refresh changes nothing. */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}
