/**
 * Draws receipt latency against offered rate as a small standalone SVG (no
 * dependencies, readable on GitHub): one colour per server, p99 solid, p50
 * dashed, a logarithmic latency axis, and the 25 ms target as a line.
 */
export interface LatencySeries {
  name: string;
  color: string;
  points: { rate: number; p50: number; p99: number }[];
}

const W = 720;
const H = 420;
const PAD = { left: 76, right: 24, top: 40, bottom: 56 };

export function latencyChart(title: string, series: LatencySeries[], targetMs = 25): string {
  const rates = series.flatMap((s) => s.points.map((p) => p.rate));
  const values = series.flatMap((s) => s.points.flatMap((p) => [p.p50, p.p99])).filter((v) => v > 0 && Number.isFinite(v));
  const maxRate = Math.max(...rates);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, targetMs))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, targetMs))));
  const x = (rate: number) => PAD.left + (rate / maxRate) * (W - PAD.left - PAD.right);
  const y = (ms: number) => {
    const t = (Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    return H - PAD.bottom - t * (H - PAD.top - PAD.bottom);
  };
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="600">${escape(title)}</text>`);
  for (let decade = lo; decade <= hi; decade *= 10) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(decade)}" y2="${y(decade)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PAD.left - 8}" y="${y(decade) + 4}" text-anchor="end">${decade >= 1 ? decade.toLocaleString('en') : decade.toFixed(1)} ms</text>`);
  }
  for (const rate of [...new Set(rates)].sort((a, b) => a - b)) {
    out.push(`<line x1="${x(rate)}" x2="${x(rate)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(rate)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${rate.toLocaleString('en')}</text>`);
  }
  out.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${H - 14}" text-anchor="middle">offered rate (messages/s)</text>`);
  out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(targetMs)}" y2="${y(targetMs)}" stroke="#c00" stroke-dasharray="2 4"/>`);
  out.push(`<text x="${W - PAD.right - 4}" y="${y(targetMs) - 6}" text-anchor="end" fill="#c00">target p99 ${targetMs} ms</text>`);
  series.forEach((s, i) => {
    const points = [...s.points].sort((a, b) => a.rate - b.rate);
    const path = (pick: (p: (typeof points)[number]) => number) => points.map((p, j) => `${j ? 'L' : 'M'}${x(p.rate).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
    out.push(`<path d="${path((p) => p.p99)}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<path d="${path((p) => p.p50)}" fill="none" stroke="${s.color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    for (const p of points) out.push(`<circle cx="${x(p.rate).toFixed(1)}" cy="${y(p.p99).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = PAD.top + 8 + i * 18;
    out.push(`<line x1="${PAD.left + 12}" x2="${PAD.left + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${PAD.left + 42}" y="${ly + 4}">${escape(s.name)}: p99 (solid), p50 (dashed)</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
