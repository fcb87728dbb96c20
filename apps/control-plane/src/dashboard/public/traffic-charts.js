// Request rate, hit ratio, bandwidth, latency and errors over the last five minutes (GET /stats's series),
// and the last minute's totals in the cards.
import { setCard } from './cards.js';
import { LineChart } from './charts.js';
import { bytes, count, millis, percent, rate } from './format.js';

const COLORS = { blue: '#2563eb', green: '#16a34a', violet: '#7c3aed', amber: '#d97706', red: '#dc2626' };

export class TrafficCharts {
  constructor(root) {
    const chart = (name, options) => new LineChart(root.querySelector(`[data-chart=${name}] canvas`), options);
    this.root = root;
    this.charts = {
      requests: chart('requests', { series: [{ label: 'requests/s', color: COLORS.blue }], format: count }),
      hits: chart('hits', { series: [{ label: 'hit ratio', color: COLORS.green }], format: (v) => `${Math.round(v * 100)}%`, max: 1 }),
      bandwidth: chart('bandwidth', { series: [{ label: 'bytes/s', color: COLORS.violet }], format: (v) => `${bytes(v)}/s` }),
      latency: chart('latency', { series: [{ label: 'p50', color: COLORS.amber }, { label: 'p99', color: COLORS.red }], format: millis }),
      errors: chart('errors', { series: [{ label: 'errors/s', color: COLORS.red }], format: count }),
    };
  }

  /** stats: { interval_seconds, points: [{t, requests, hits, bytes_sent, errors, p50_ms, p99_ms}], windows: {'1m': Stats, ...} } */
  update(stats) {
    const step = stats.interval_seconds || 5;
    // The last point is the period still filling: drawn, it would make every chart dip at "now".
    const points = (stats.points ?? []).slice(0, -1);
    const times = points.map((p) => Date.parse(p.t));
    const per = (key) => points.map((p) => p[key] / step);
    this.charts.requests.update(times, [per('requests')]);
    this.charts.hits.update(times, [points.map((p) => (p.requests > 0 ? p.hits / p.requests : null))]);
    this.charts.bandwidth.update(times, [per('bytes_sent')]);
    this.charts.latency.update(times, [points.map((p) => p.p50_ms), points.map((p) => p.p99_ms)]);
    this.charts.errors.update(times, [per('errors')]);

    const last = points[points.length - 1];
    const now = (key, format) => (last ? format(last[key] / step) : '–');
    this.current('requests', now('requests', rate));
    this.current('hits', last && last.requests > 0 ? percent(last.hits / last.requests) : '–');
    this.current('bandwidth', last ? `${bytes(last.bytes_sent / step)}/s` : '–');
    const latency = this.root.querySelectorAll('[data-chart=latency] .current .key');
    latency[0].textContent = `p50 ${last ? millis(last.p50_ms) : '–'}`;
    latency[1].textContent = `p99 ${last ? millis(last.p99_ms) : '–'}`;
    this.current('errors', now('errors', rate));

    const minute = stats.windows?.['1m'];
    if (!minute) return;
    setCard('requests', rate(minute.requests_per_second), `${count(minute.requests)} in the last minute`, '');
    setCard('hits', percent(minute.hit_ratio), `${count(minute.hits)} hits in the last minute`, minute.hit_ratio !== null && minute.hit_ratio < 0.5 ? 'warn' : '');
    setCard('bandwidth', `${bytes(minute.bytes_sent / 60)}/s`, `${bytes(minute.bytes_sent)} sent in the last minute`, '');
    setCard('errors', percent(minute.error_ratio), `${count(minute.errors)} 5xx in the last minute`, minute.errors > 0 ? 'bad' : 'ok');
  }

  current(name, text) {
    this.root.querySelector(`[data-chart=${name}] .current`).textContent = text;
  }
}
