// Client revisions (A.10): devices per client revision as a bar chart that is also a table, with
// the login-age filter (max_days_since_login) and a revision range.
import { get } from '../api.js';
import { h, clear, field, showApiError, clearErrors, setFieldError } from '../dom.js';
import { count } from '../format.js';

// The form's fields carry the API's parameter names, so a 400 lands beside the right one.
const PARAMS = [
  { name: 'max_days_since_login', key: 'days', label: 'Logged in within (days)', hint: 'Blank: every device, including those that never logged in.' },
  { name: 'min_revision', key: 'min', label: 'Lowest revision', hint: 'Blank: from the first.' },
  { name: 'max_revision', key: 'max', label: 'Highest revision', hint: 'Blank: no maximum.' },
];

function stateFrom(params) {
  const s = {};
  for (const p of PARAMS) {
    const v = params.get(p.key) || '';
    s[p.name] = /^\d+$/.test(v) ? v : '';
  }
  return s;
}

function hashOf(s) {
  const q = new URLSearchParams();
  for (const p of PARAMS) if (s[p.name] !== '') q.set(p.key, s[p.name]);
  const text = q.toString();
  return `#/clients${text ? `?${text}` : ''}`;
}

function percent(n, total) {
  if (!total) return '0%';
  const p = (n / total) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}

export async function renderClients(ctx) {
  const state = stateFrom(ctx.params);
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filter devices', novalidate: true },
    PARAMS.map((p) => field({ name: p.name, label: p.label, hint: p.hint, type: 'number', value: state[p.name], attrs: { min: '0', step: '1', inputmode: 'numeric', autocomplete: 'off' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show devices')));
  const summary = h('p', { class: 'summary', id: 'clients-summary', 'aria-live': 'polite', tabindex: '-1' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data chart', 'aria-describedby': 'clients-summary' },
    h('caption', { class: 'vh' }, 'Devices per client revision'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Revision'),
      h('th', { scope: 'col', class: 'num' }, 'Devices'),
      h('th', { scope: 'col', class: 'num' }, 'Share'),
      h('th', { scope: 'col', class: 'bar-cell' }, 'Compared with the most common'))),
    tbody);

  ctx.main.append(
    h('h1', {}, 'Client revisions'),
    h('p', { class: 'muted' }, 'How many of your users’ devices run each revision of the backup client.'),
    form, summary, h('div', { class: 'table-wrap' }, table),
  );

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const query = {};
    for (const p of PARAMS) if (state[p.name] !== '') query[p.name] = state[p.name];
    table.setAttribute('aria-busy', 'true');
    let rows;
    try {
      rows = await get('/clientrevisions/', query);
    } catch (err) {
      if (mine !== seq || !ctx.isCurrent()) return;
      table.removeAttribute('aria-busy');
      if (err.status === 400) showApiError(form, err);
      else summary.textContent = `Could not load client revisions: ${err.message}`;
      return;
    }
    if (mine !== seq || !ctx.isCurrent()) return;
    table.removeAttribute('aria-busy');
    clearErrors(form);
    clear(tbody);
    const total = rows.reduce((n, r) => n + r.count, 0);
    const most = rows.reduce((n, r) => Math.max(n, r.count), 0);
    for (const r of rows) {
      const fill = h('span', { class: 'fill allocated' });
      fill.style.width = `${most ? ((r.count / most) * 100).toFixed(1) : 0}%`;
      tbody.append(h('tr', {},
        h('th', { scope: 'row' }, String(r.revision)),
        h('td', { class: 'num' }, count(r.count)),
        h('td', { class: 'num' }, percent(r.count, total)),
        h('td', { class: 'bar-cell' }, h('span', { class: 'bar', 'aria-hidden': 'true' }, fill))));
    }
    if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: '4', class: 'empty' }, 'No device matches.')));
    const days = state.max_days_since_login;
    const when = days === '' ? '' : ` that logged in within the last ${count(Number(days))} day${days === '1' ? '' : 's'}`;
    summary.textContent = rows.length
      ? `${count(total)} device${total === 1 ? '' : 's'}${when} on ${count(rows.length)} revision${rows.length === 1 ? '' : 's'}.`
      : `No device${when}.`;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    let bad = false;
    for (const p of PARAMS) {
      const v = form.elements[p.name].value.trim();
      if (v !== '' && !/^\d+$/.test(v)) {
        setFieldError(form, p.name, 'Enter a whole number, 0 or more, or leave it blank.');
        bad = true;
      } else {
        state[p.name] = v === '' ? '' : String(Number(v));
      }
    }
    if (bad) { form.querySelector('[aria-invalid="true"]').focus(); return; }
    history.replaceState(null, '', hashOf(state));
    load();
  });

  await load();
}
