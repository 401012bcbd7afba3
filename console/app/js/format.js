// Formatting of sizes and times.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
export const UNLIMITED = 1000000001000000000;

/** Decimal units: 1 GB = 10^9 bytes, as the API counts. */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n >= UNLIMITED) return 'Unlimited';
  let v = Number(n);
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) { v /= 1000; i += 1; }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[i]}`;
}

export function time(t) {
  if (t === null || t === undefined) return '—';
  const d = new Date(t * 1000);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function date(t) {
  if (t === null || t === undefined) return 'Never';
  return new Date(t * 1000).toISOString().slice(0, 10);
}

export function count(n) {
  return Number(n).toLocaleString('en-US');
}
