// A small line chart on <canvas>: a few series over time, a rounded scale, three grid lines, crisp at any pixel ratio.

const PAD = { top: 8, right: 8, bottom: 18 };

export class LineChart {
  /**
   * series: [{ label, color }]; format(value) labels the scale; max: a fixed top (e.g. 1 for ratios).
   * update(times, values) takes the x values (ms) and one array of numbers (or null for no data) per series.
   */
  constructor(canvas, { series, format, max }) {
    this.canvas = canvas;
    this.series = series;
    this.format = format;
    this.fixedMax = max;
    this.times = [];
    this.values = series.map(() => []);
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  update(times, values) {
    this.times = times;
    this.values = values;
    this.draw();
  }

  draw() {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const grid = style.getPropertyValue('--chart-grid').trim() || '#e5e7eb';
    const text = style.getPropertyValue('--chart-text').trim() || '#6b7280';
    ctx.font = '11px system-ui, sans-serif';

    const top = this.fixedMax ?? niceMax(Math.max(0, ...this.values.flat().filter((v) => v !== null && Number.isFinite(v))));
    const labels = [0, top / 2, top].map((v) => this.format(v));
    // The scale's widest label decides where the plot starts.
    const left = Math.ceil(Math.max(...labels.map((l) => ctx.measureText(l).width))) + 10;
    const plotW = width - left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const y = (v) => PAD.top + plotH - (v / top) * plotH;

    ctx.strokeStyle = grid;
    ctx.fillStyle = text;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 2; i++) {
      const py = Math.round(y((top * i) / 2)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(width - PAD.right, py);
      ctx.stroke();
      ctx.fillText(labels[i], left - 6, py);
    }

    const times = this.times;
    if (times.length < 2) {
      ctx.textAlign = 'center';
      ctx.fillText('waiting for traffic data', left + plotW / 2, PAD.top + plotH / 2);
      return;
    }
    const t0 = times[0];
    const t1 = times[times.length - 1];
    const x = (t) => left + ((t - t0) / Math.max(1, t1 - t0)) * plotW;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillText(`-${Math.round((t1 - t0) / 60000)} min`, left, height - 4);
    ctx.textAlign = 'right';
    ctx.fillText('now', width - PAD.right, height - 4);

    this.series.forEach((s, index) => {
      const values = this.values[index] ?? [];
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.75;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      let drawing = false;
      let first;
      let last;
      for (let i = 0; i < times.length; i++) {
        const v = values[i];
        if (v === null || v === undefined || !Number.isFinite(v)) {
          drawing = false;
          continue;
        }
        const px = x(times[i]);
        const py = y(Math.min(v, top));
        if (drawing) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        drawing = true;
        first ??= px;
        last = px;
      }
      ctx.stroke();
      // A point with no neighbour draws no line: a dot shows it.
      ctx.fillStyle = s.color;
      const has = (i) => i >= 0 && i < times.length && values[i] !== null && values[i] !== undefined && Number.isFinite(values[i]);
      for (let i = 0; i < times.length; i++) {
        if (!has(i) || has(i - 1) || has(i + 1)) continue;
        ctx.beginPath();
        ctx.arc(x(times[i]), y(Math.min(values[i], top)), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      // A light fill under the first series only, so that several lines stay readable.
      if (index === 0 && first !== undefined) {
        ctx.lineTo(last, y(0));
        ctx.lineTo(first, y(0));
        ctx.closePath();
        ctx.globalAlpha = 0.12;
        ctx.fillStyle = s.color;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
    });
  }
}

/** The smallest of 1, 2, 4, 6, 8 × 10^n at or above the value, so that its half is round too (1 for an empty chart). */
function niceMax(v) {
  if (v <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 4, 6, 8, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}
