// The audit log: newest first, filters action/object/since/until, cursor paging.
import { get } from '../api.js';
import { h, clear, field, showApiError, clearErrors } from '../dom.js';
import { time } from '../format.js';

const ACTIONS = ['user', 'group', 'plan', 'policy', 'device', 'share', 'backup', 'activation_email', 'settings', 'billing']
  .flatMap((k) => (k === 'settings' || k === 'billing' ? [`${k}.update`] : [`${k}.create`, `${k}.update`, `${k}.delete`]))
  .concat(['partner.create', 'partner.update', 'password.update', 'quota.update', 'features.update']);
const PAGE = 25;

/** 'YYYY-MM-DDTHH:MM' (a datetime-local value, taken as UTC) to Unix seconds. */
function toUnix(v) {
  if (!v) return null;
  const t = Date.parse(v.length === 16 ? `${v}:00Z` : `${v}Z`);
  return Number.isFinite(t) ? Math.floor(t / 1000) : NaN;
}

function show(v) {
  if (v === null || v === undefined) return '∅';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** One change, compact: a created field shows its value, a deleted one its old value. */
function change(k, c) {
  if (c.before === null) return h('li', {}, h('code', {}, k), ' = ', show(c.after));
  if (c.after === null) return h('li', {}, h('code', {}, k), ' was ', show(c.before));
  return h('li', {}, h('code', {}, k), ': ', show(c.before), ' → ', show(c.after));
}

export async function renderAudit(ctx) {
  const action = field({ name: 'action', label: 'Action', type: 'select', options: [{ value: '', label: 'Any action' }, ...ACTIONS.map((a) => ({ value: a, label: a }))] });
  const object = field({ name: 'object', label: 'Object', hint: 'For example user/42, group/7, settings/1', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const since = field({ name: 'since', label: 'From (UTC)', type: 'datetime-local' });
  const until = field({ name: 'until', label: 'Until (UTC)', type: 'datetime-local' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filter the audit log', novalidate: true },
    action, object, since, until, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply filters')));
  const summary = h('p', { class: 'summary', 'aria-live': 'polite', tabindex: '-1' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data audit' },
    h('caption', { class: 'vh' }, 'Audit log entries, newest first'),
    h('thead', {}, h('tr', {}, ['Time', 'Action', 'Object', 'Actor', 'Address', 'Changes'].map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
  const newer = h('button', { type: 'button', class: 'secondary' }, 'Newer entries');
  const older = h('button', { type: 'button', class: 'secondary' }, 'Older entries');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of the audit log' }, newer, older);

  ctx.main.append(h('h1', {}, 'Audit log'),
    h('p', { class: 'muted' }, 'Every change of your data, whoever made it, newest first.'),
    form, summary, h('div', { class: 'table-wrap' }, table), pager);

  let filters = {};
  const cursors = [null]; // cursor of each page seen, so "Newer" can go back
  let page = 0;
  let nextCursor = null;
  let seq = 0;

  async function load() {
    const mine = ++seq;
    table.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await get('/partner/audit', { ...filters, limit: PAGE, cursor: cursors[page] });
    } catch (err) {
      if (mine !== seq) return;
      table.removeAttribute('aria-busy');
      if (err.status === 400) showApiError(form, err);
      else summary.textContent = `Could not load the audit log: ${err.message}`;
      return;
    }
    if (mine !== seq || !ctx.isCurrent()) return;
    table.removeAttribute('aria-busy');
    clear(tbody);
    nextCursor = data.next_cursor;
    for (const e of data.entries) {
      const changes = Object.entries(e.changes || {});
      tbody.append(h('tr', {},
        h('td', { class: 'nowrap' }, time(e.time)),
        h('th', { scope: 'row' }, e.action),
        h('td', {}, e.object),
        h('td', {}, e.actor),
        h('td', {}, e.address || '—'),
        h('td', {}, changes.length
          ? h('ul', { class: 'changes' }, changes.map(([k, c]) => change(k, c)))
          : '—')));
    }
    if (!data.entries.length) tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No entries match.')));
    summary.textContent = data.entries.length
      ? `Page ${page + 1}: ${data.entries.length} entr${data.entries.length === 1 ? 'y' : 'ies'}${nextCursor ? ', more are older' : ''}.`
      : 'No entries match.';
    newer.disabled = page === 0;
    older.disabled = !nextCursor;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const f = form.elements;
    const s = toUnix(f.since.value);
    const u = toUnix(f.until.value);
    filters = { action: f.action.value, object: f.object.value.trim(), since: s, until: u };
    cursors.length = 1;
    page = 0;
    load();
  });
  older.addEventListener('click', () => { cursors[page + 1] = nextCursor; page += 1; load(); });
  newer.addEventListener('click', () => { page = Math.max(0, page - 1); load(); });

  await load();
}
