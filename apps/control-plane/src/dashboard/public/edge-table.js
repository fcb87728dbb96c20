// The edge table: each edge's applied routing revision, how far behind it is, and when it last reported.
import { age } from './format.js';

export class EdgeTable {
  constructor(root, { serverNow }) {
    this.root = root;
    this.serverNow = serverNow;
    this.view = { revision: 0, edges: [] };
  }

  /** view: GET /edges's answer. */
  update(view) {
    this.view = view;
    this.render();
  }

  render() {
    const tbody = this.root.querySelector('tbody');
    const edges = [...this.view.edges].sort((a, b) => (a.status === b.status ? a.id.localeCompare(b.id) : a.status === 'lost' ? -1 : 1));
    const now = this.serverNow();
    const rows = edges.map((edge) => {
      const tr = document.createElement('tr');
      tr.dataset.edge = edge.id;
      const lagClass = edge.status === 'lost' ? '' : edge.lag > 0 ? 'warn' : 'ok';
      cells(tr, [
        badge(edge.status === 'live' ? 'active' : 'inactive', edge.status),
        text(edge.id, edge.address),
        text(String(edge.revision), edge.table_source === 'saved' ? 'saved table' : undefined),
        span(edge.status === 'lost' ? '–' : edge.lag === 0 ? 'in sync' : `${edge.lag} behind`, lagClass),
        span(`${age((now - Date.parse(edge.last_report)) / 1000)} ago`),
      ]);
      return tr;
    });
    tbody.replaceChildren(...rows);
    const empty = this.root.querySelector('[data-role=empty]');
    empty.hidden = edges.length > 0;
    this.root.querySelector('[data-role=revision]').textContent = `latest revision ${this.view.revision}`;
  }
}

function cells(tr, contents) {
  for (const content of contents) {
    const td = document.createElement('td');
    td.append(content);
    tr.append(td);
  }
}

function badge(kind, label) {
  return span(label, `badge ${kind}`);
}

function span(value, className) {
  const el = document.createElement('span');
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function text(main, sub) {
  const wrap = document.createElement('div');
  wrap.append(span(main));
  if (sub) wrap.append(span(sub, 'sub'));
  return wrap;
}
