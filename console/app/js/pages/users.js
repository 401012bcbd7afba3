// Users: a paged, sortable, searchable table with filters, inline enable/disable and group
// change, create, delete, CSV export of the current filter and CSV import.
import { get, post, del, userPath } from '../api.js';
import { h, clear, field, announce, newId, showApiError, clearErrors, setFormError, confirmDialog } from '../dom.js';
import { bytes, date, count } from '../format.js';
import { exportUsers, importPanel, download } from './users-csv.js';

const COLUMNS = [
  { key: 'username', label: 'Username' },
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'group_id', label: 'Group' },
  { key: 'plan_id', label: 'Plan' },
  { key: 'bytes_stored', label: 'Stored', num: true },
  { key: 'num_devices', label: 'Devices', num: true },
  { key: 'last_login', label: 'Last login' },
  { key: 'creation_time', label: 'Created' },
  { key: 'enabled', label: 'Enabled' },
];
const PAGE_SIZES = [25, 50, 100];
const DAY = 86400;
const FOREVER = 100 * 365 * DAY;

function stateFrom(params) {
  const num = (v, d) => (/^\d+$/.test(v || '') ? Number(v) : d);
  const limit = num(params.get('limit'), 25);
  return {
    search: params.get('q') || '',
    order: params.get('sort') || 'username',
    offset: num(params.get('offset'), 0),
    limit: PAGE_SIZES.includes(limit) ? limit : 25,
    disabled: params.get('disabled') === '1',
    purgehold: params.get('purgehold') === '1',
    stopped: params.get('stopped') && /^\d+$/.test(params.get('stopped')) ? params.get('stopped') : '',
  };
}

function hashOf(s) {
  const p = new URLSearchParams();
  if (s.search) p.set('q', s.search);
  if (s.order !== 'username') p.set('sort', s.order);
  if (s.offset) p.set('offset', String(s.offset));
  if (s.limit !== 25) p.set('limit', String(s.limit));
  if (s.disabled) p.set('disabled', '1');
  if (s.purgehold) p.set('purgehold', '1');
  if (s.stopped) p.set('stopped', s.stopped);
  const q = p.toString();
  return `#/users${q ? `?${q}` : ''}`;
}

function searchBy(s) {
  const c = [];
  if (s.disabled) c.push('enabled=0');
  if (s.purgehold) c.push('purgehold_active=1');
  if (s.stopped) c.push(`recently_stopped_uploading=${Number(s.stopped) * DAY}|${FOREVER}`);
  return c.join(',');
}

export async function renderUsers(ctx) {
  const state = stateFrom(ctx.params);
  const [groups, plans] = await Promise.all([get('/groups/'), get('/plans')]);
  if (!ctx.isCurrent()) return;
  const groupName = new Map(groups.map((g) => [g.group_id, g.name]));
  const planName = new Map(plans.map((p) => [p.plan_id, p.name]));
  let seq = 0;

  // Toolbar: search and filters.
  const search = field({ name: 'search', label: 'Search', type: 'search', value: state.search, hint: 'Name, username or email', attrs: { autocomplete: 'off' } });
  const disabled = field({ name: 'disabled', label: 'Disabled only', type: 'checkbox', value: state.disabled });
  const purgehold = field({ name: 'purgehold', label: 'Purge hold only', type: 'checkbox', value: state.purgehold });
  const stopped = field({ name: 'stopped', label: 'Stopped backing up over (days)', type: 'number', value: state.stopped, attrs: { min: '1', step: '1', inputmode: 'numeric' }, hint: 'Last completed backup at least this many days ago' });
  const filters = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Search and filter users' },
    search, h('fieldset', { class: 'filters' }, h('legend', {}, 'Filters'), disabled, purgehold, stopped));
  const newUser = h('button', { type: 'button', class: 'primary' }, 'New user');
  const exportButton = h('button', { type: 'button', class: 'secondary' }, 'Export CSV');
  const cancelExport = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Cancel export');
  const exportStatus = h('p', { class: 'summary', role: 'status' });
  const importToggle = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false' }, 'Import CSV');
  const summary = h('p', { class: 'summary', id: 'users-summary', 'aria-live': 'polite', tabindex: '-1' });
  const caption = h('caption', { class: 'vh' });
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table', { class: 'data', 'aria-describedby': 'users-summary' }, caption, thead, tbody);
  const prev = h('button', { type: 'button', class: 'secondary' }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary' }, 'Next page');
  const sizeField = field({ name: 'limit', label: 'Rows per page', type: 'select', value: state.limit, options: PAGE_SIZES.map((n) => ({ value: n, label: String(n) })) });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of users' }, prev, next, sizeField);
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });

  const panel = importPanel({ groups, plans, onDone: () => load() });
  panel.hidden = true;
  importToggle.setAttribute('aria-controls', panel.id);
  importToggle.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    importToggle.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) panel.querySelector('h2').focus();
  });
  panel.querySelector('h2').setAttribute('tabindex', '-1');

  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Users'), newUser),
    notice, filters,
    // After the filters, which the export follows.
    h('div', { class: 'actions list-tools' }, exportButton, cancelExport, importToggle, exportStatus),
    panel, summary,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );

  function update() {
    history.replaceState(null, '', hashOf(state));
    load();
  }

  // The header is built once and updated in place, so a sort button keeps the focus.
  const marks = new Map();
  thead.append(h('tr', {}, COLUMNS.map((col) => {
    const mark = h('span', { class: 'sort-mark', 'aria-hidden': 'true' });
    const th = h('th', { scope: 'col', class: col.num ? 'num' : null },
      h('button', { type: 'button', class: 'sort', onclick: () => {
        const key = state.order.replace(/^-/, '');
        state.order = key === col.key && !state.order.startsWith('-') ? `-${col.key}` : col.key;
        state.offset = 0;
        update();
      } }, col.label, mark));
    marks.set(col.key, { th, mark });
    return th;
  }), h('th', { scope: 'col' }, 'Actions')));

  function renderHead() {
    const desc = state.order.startsWith('-');
    const key = state.order.replace(/^-/, '');
    for (const [k, { th, mark }] of marks) {
      const sorted = k === key;
      th.setAttribute('aria-sort', sorted ? (desc ? 'descending' : 'ascending') : 'none');
      mark.textContent = sorted ? (desc ? ' ▼' : ' ▲') : ' ↕';
    }
    const label = COLUMNS.find((c) => c.key === key)?.label || key;
    caption.textContent = `Users, sorted by ${label.toLowerCase()} ${desc ? 'descending' : 'ascending'}`;
  }

  function row(u) {
    const switchId = newId('enabled');
    const toggle = h('input', { type: 'checkbox', id: switchId, role: 'switch', checked: u.enabled, class: 'switch' });
    const stateText = h('span', { 'aria-hidden': 'true' }, u.enabled ? 'On' : 'Off');
    toggle.addEventListener('change', async () => {
      const want = toggle.checked;
      stateText.textContent = want ? 'On' : 'Off';
      toggle.disabled = true;
      try {
        const updated = await post(userPath(u.username), { enabled: want });
        u.enabled = updated.enabled;
        announce(`${u.username} ${u.enabled ? 'enabled' : 'disabled'}.`);
      } catch (err) {
        toggle.checked = !want;
        stateText.textContent = toggle.checked ? 'On' : 'Off';
        announce(`Could not change ${u.username}: ${err.message}`);
      } finally {
        toggle.disabled = false;
      }
    });
    const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${u.username}` }, 'Delete');
    remove.addEventListener('click', async () => {
      const ok = await confirmDialog({
        title: `Delete ${u.username}?`,
        message: `${u.name} (${u.email}) will be deleted with their ${u.num_devices} device(s) and ${u.num_shares} share(s). This cannot be undone.`,
        confirmLabel: 'Delete user',
      });
      if (!ok) { remove.focus(); return; }
      try {
        await del(userPath(u.username));
        announce(`Deleted ${u.username}.`);
        await load();
        summary.focus();
      } catch (err) {
        announce(`Could not delete ${u.username}: ${err.message}`);
      }
    });
    const planCell = h('td', {}, planName.get(u.plan_id) || `#${u.plan_id}`);
    return h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/users/${encodeURIComponent(u.email)}` }, u.username)),
      h('td', {}, u.name),
      h('td', {}, u.email),
      h('td', {}, groupSelect(u, planCell)),
      planCell,
      h('td', { class: 'num' }, bytes(u.bytes_stored)),
      h('td', { class: 'num' }, count(u.num_devices)),
      h('td', { class: 'nowrap' }, date(u.last_login)),
      h('td', { class: 'nowrap' }, date(u.creation_time)),
      h('td', {}, h('span', { class: 'switch-wrap' }, toggle, h('label', { for: switchId }, h('span', { class: 'vh' }, `Enabled: ${u.username}`), stateText))),
      h('td', {}, remove));
  }

  /** The row's group as a select: a change moves the user at once (and gives the group's plan). */
  function groupSelect(u, planCell) {
    const id = newId('group');
    const errorId = `${id}-error`;
    const options = groups.some((g) => g.group_id === u.group_id) ? groups : [...groups, { group_id: u.group_id, name: `#${u.group_id}` }];
    const select = h('select', { id, class: 'inline', 'aria-describedby': errorId },
      options.map((g) => h('option', { value: String(g.group_id), selected: g.group_id === u.group_id }, g.name)));
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    select.addEventListener('change', async () => {
      const target = groups.find((g) => g.group_id === Number(select.value));
      error.hidden = true;
      select.removeAttribute('aria-invalid');
      const plan = plans.find((p) => p.plan_id === target.plan_id);
      // B.3 has no over-quota refusal for a move (only a 402 when the partner's space runs out),
      // so the console asks before putting a user in a plan smaller than what they store.
      if (plan && u.bytes_stored > plan.storage_bytes + u.bonus_bytes) {
        const ok = await confirmDialog({
          title: `Move ${u.username} to ${target.name}?`,
          message: `${u.username} stores ${bytes(u.bytes_stored)}, more than the ${plan.name} plan of ${target.name} allows (${bytes(plan.storage_bytes)}${u.bonus_bytes ? ` plus ${bytes(u.bonus_bytes)} bonus` : ''}).`,
          confirmLabel: 'Move anyway',
        });
        if (!ok) { select.value = String(u.group_id); select.focus(); return; }
      }
      select.disabled = true;
      try {
        const updated = await post(userPath(u.username), { group_id: target.group_id });
        Object.assign(u, updated);
        planCell.textContent = planName.get(u.plan_id) || `#${u.plan_id}`;
        announce(`${u.username} moved to ${groupName.get(u.group_id) || target.name}.`);
      } catch (err) {
        select.value = String(u.group_id);
        error.textContent = err.status === 402 ? `Not enough space: ${err.message}` : err.message;
        error.hidden = false;
        select.setAttribute('aria-invalid', 'true');
        announce(`Could not move ${u.username}: ${err.message}`);
      } finally {
        select.disabled = false;
        select.focus();
      }
    });
    return [h('label', { for: id, class: 'vh' }, `Group of ${u.username}`), select, error];
  }

  let exporting = null;
  exportButton.addEventListener('click', async () => {
    const mine = { cancelled: false };
    exporting = mine;
    exportButton.disabled = true;
    cancelExport.hidden = false;
    const filtered = Boolean(state.search || searchBy(state));
    try {
      const result = await exportUsers({ search: state.search, search_by: searchBy(state), order_by: state.order }, {
        groupName, planName,
        onProgress: (done, total) => { exportStatus.textContent = `Exporting users: ${count(done)} of ${count(total)}…`; },
        isCancelled: () => mine.cancelled || !ctx.isCurrent(),
      });
      if (!result) { exportStatus.textContent = 'Export cancelled.'; return; }
      const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      const name = `users${filtered ? '-filtered' : ''}-${stamp}.csv`;
      download(result.blob, name);
      exportStatus.textContent = `Exported ${count(result.rows)} user${result.rows === 1 ? '' : 's'} to ${name}.`;
    } catch (err) {
      exportStatus.textContent = `The export failed: ${err.message}`;
    } finally {
      if (exporting === mine) exporting = null;
      exportButton.disabled = false;
      cancelExport.hidden = true;
    }
  });
  cancelExport.addEventListener('click', () => { if (exporting) exporting.cancelled = true; });

  async function load() {
    const mine = ++seq;
    renderHead();
    const query = { search: state.search, search_by: searchBy(state), order_by: state.order };
    table.setAttribute('aria-busy', 'true');
    let users;
    let total;
    try {
      [users, total] = await Promise.all([
        get('/users/', { ...query, limit: state.limit, offset: state.offset }),
        get('/users/', { search: query.search, search_by: query.search_by, action: 'user_count' }),
      ]);
    } catch (err) {
      if (mine !== seq || !ctx.isCurrent()) return;
      table.removeAttribute('aria-busy');
      clear(tbody);
      summary.textContent = `Could not load users: ${err.message}`;
      return;
    }
    if (mine !== seq || !ctx.isCurrent()) return;
    table.removeAttribute('aria-busy');
    clear(tbody);
    const n = total.user_count;
    if (state.offset >= n && n > 0) {
      state.offset = Math.floor((n - 1) / state.limit) * state.limit;
      update();
      return;
    }
    if (!users.length) {
      tbody.append(h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty' }, 'No users match.')));
    }
    for (const u of users) tbody.append(row(u));
    const page = Math.floor(state.offset / state.limit) + 1;
    const pages = Math.max(1, Math.ceil(n / state.limit));
    summary.textContent = n
      ? `Users ${count(state.offset + 1)}–${count(state.offset + users.length)} of ${count(n)} (page ${page} of ${pages})`
      : 'No users match.';
    prev.disabled = state.offset === 0;
    next.disabled = state.offset + state.limit >= n;
  }

  let timer = null;
  search.querySelector('input').addEventListener('input', (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.search = e.target.value.trim(); state.offset = 0; update(); }, 300);
  });
  filters.addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(timer); state.search = filters.elements.search.value.trim(); state.offset = 0; update(); });
  disabled.querySelector('input').addEventListener('change', (e) => { state.disabled = e.target.checked; state.offset = 0; update(); });
  purgehold.querySelector('input').addEventListener('change', (e) => { state.purgehold = e.target.checked; state.offset = 0; update(); });
  stopped.querySelector('input').addEventListener('change', (e) => {
    const v = e.target.value.trim();
    state.stopped = /^\d+$/.test(v) && Number(v) > 0 ? String(Number(v)) : '';
    state.offset = 0;
    update();
  });
  prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); update(); });
  next.addEventListener('click', () => { state.offset += state.limit; update(); });
  sizeField.querySelector('select').addEventListener('change', (e) => { state.limit = Number(e.target.value); state.offset = 0; update(); });
  newUser.addEventListener('click', () => openCreate(groups, plans, notice, async (created) => {
    state.search = created.username;
    filters.elements.search.value = created.username;
    state.offset = 0;
    update();
  }, newUser));

  await load();
}

function openCreate(groups, plans, notice, onCreated, opener) {
  const titleId = newId('create-title');
  const form = h('form', { method: 'dialog', novalidate: true, 'aria-labelledby': titleId },
    field({ name: 'username', label: 'Username', required: true, attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ name: 'name', label: 'Full name', required: true, attrs: { autocomplete: 'off' } }),
    field({ name: 'email', label: 'Email', type: 'email', required: true, attrs: { autocomplete: 'off' } }),
    field({ name: 'group_id', label: 'Group', type: 'select', options: [{ value: '', label: 'Default group' }, ...groups.map((g) => ({ value: g.group_id, label: g.name }))] }),
    field({ name: 'plan_id', label: 'Plan', type: 'select', options: [{ value: '', label: "The group's plan" }, ...plans.map((p) => ({ value: p.plan_id, label: `${p.name} (${bytes(p.storage_bytes)})` }))] }),
    field({ name: 'bonus_bytes', label: 'Bonus space (GB)', type: 'number', attrs: { min: '0', step: 'any', inputmode: 'decimal' } }),
  );
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create user');
  form.append(h('p', { class: 'hint' }, 'A temporary password is generated and shown once.'), h('div', { class: 'actions' }, cancel, submit));
  const dialog = h('dialog', { class: 'dialog wide', 'aria-labelledby': titleId }, h('h2', { id: titleId }, 'New user'), form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { dialog.remove(); opener.focus(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const f = form.elements;
    const body = { username: f.username.value.trim(), name: f.name.value.trim(), email: f.email.value.trim() };
    if (f.group_id.value) body.group_id = Number(f.group_id.value);
    if (f.plan_id.value) body.plan_id = Number(f.plan_id.value);
    if (f.bonus_bytes.value.trim()) {
      const gb = Number(f.bonus_bytes.value);
      if (!Number.isFinite(gb) || gb < 0) {
        showApiError(form, { body: { reason: 'bonus_bytes must be a number of GB, 0 or more', invalid: ['bonus_bytes'] } });
        return;
      }
      body.bonus_bytes = Math.round(gb * 1e9);
    }
    submit.disabled = true;
    try {
      const created = await post('/users/', body);
      clear(notice);
      notice.append(
        h('p', {}, `Created user ${created.username}.`),
        created.temp_password ? h('p', {}, 'Temporary password (shown only now): ', h('code', { class: 'secret' }, created.temp_password)) : null,
      );
      notice.hidden = false;
      dialog.close();
      await onCreated(created);
    } catch (err) {
      if (err.status === 400 || err.status === 409) showApiError(form, err, {});
      else if (err.status === 402) setFormError(form, `Not enough space: ${err.message}`);
      else setFormError(form, err.message);
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  form.elements.username.focus();
}
