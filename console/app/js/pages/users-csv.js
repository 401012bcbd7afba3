// The users page's CSV export (every page of the current filter) and CSV import (create or edit,
// one API call per row, with each row's outcome and the API's reasons beside its columns).
import { get, post, userPath } from '../api.js';
import { h, clear, field, announce, newId, capitalize } from '../dom.js';
import { parseCsv, csvLine, safeText, fromSafeText } from '../csv.js';
import { count } from '../format.js';

/** Users fetched per request of an export (the tests lower it to see the paging). */
export const exportOptions = { pageSize: 1000 };
export const EXPORT_COLUMNS = ['username', 'name', 'email', 'group', 'plan', 'bonus_bytes', 'enabled', 'purgehold_active',
  'promo', 'bytes_stored', 'storage_bytes', 'num_devices', 'num_shares', 'creation_time', 'last_login', 'avatar_id'];
const TEXT_COLUMNS = new Set(['username', 'name', 'email', 'group', 'plan', 'promo']);

/** Hand a Blob to the browser as a file download. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Every user of a filter (query: search, search_by, order_by), fetched exportOptions.pageSize at a
 * time, as a CSV Blob. A user seen twice (the list moved while paging) is written once.
 * onProgress(done, total); isCancelled() stops between pages (the answer is then null).
 */
export async function exportUsers(query, { groupName, planName, onProgress, isCancelled }) {
  const { user_count: total } = await get('/users/', { search: query.search, search_by: query.search_by, action: 'user_count' });
  const parts = [csvLine(EXPORT_COLUMNS)];
  const seen = new Set();
  let offset = 0;
  onProgress(0, total);
  const limit = exportOptions.pageSize;
  for (;;) {
    if (isCancelled()) return null;
    const users = await get('/users/', { ...query, limit, offset });
    let chunk = '';
    for (const u of users) {
      if (seen.has(u.avatar_id)) continue;
      seen.add(u.avatar_id);
      const values = { ...u, group: groupName.get(u.group_id) ?? u.group_id, plan: planName.get(u.plan_id) ?? u.plan_id };
      chunk += csvLine(EXPORT_COLUMNS.map((k) => (TEXT_COLUMNS.has(k) ? safeText(values[k]) : values[k])));
    }
    // One Blob per page: the browser may keep large ones out of the script's memory.
    parts.push(new Blob([chunk], { type: 'text/csv' }));
    offset += users.length;
    onProgress(seen.size, Math.max(total, seen.size));
    if (users.length < limit) break;
  }
  return { blob: new Blob(parts, { type: 'text/csv;charset=utf-8' }), rows: seen.size };
}

// ---------------------------------------------------------------------------------------------
// Import

/** The columns an import file may have; `apiField` is the request field each one fills. */
const IMPORT_COLUMNS = [
  ['action', '“create” or “update”; blank: update when the user exists (looked up by username, else email), otherwise create.'],
  ['username', 'Create: the new username (may be omitted when usernames are emails). Update: the user to change.'],
  ['email', 'Create: required. Update: the new email (or, without a username, the user to change).'],
  ['name', 'Full name. Required to create.'],
  ['group', 'A group’s name or number. Joining a group gives its plan unless plan is given too.'],
  ['plan', 'A plan’s name or number.'],
  ['bonus_bytes', 'Bonus space in bytes, or with a unit: 5 GB, 500 MB (1 GB = 10⁹ bytes).'],
  ['enabled', 'true or false (update only; a new user is enabled).'],
  ['purgehold_active', 'true or false (update only; a new user has no purge hold).'],
  ['promo', 'Promotion code, recorded (create only).'],
  ['password_bcrypt', 'A bcrypt hash (create only); without one a temporary password is generated.'],
];
const ALIASES = { group_id: 'group', plan_id: 'plan' };
/** Columns of the export that say how things are, not what to change: an import skips them. */
const READ_ONLY = new Set(['bytes_stored', 'storage_bytes', 'num_devices', 'num_shares', 'creation_time', 'last_login',
  'avatar_id', 'share_id', 'share_identifier', 'share_rooms']);
const CREATE_ONLY = ['promo', 'password_bcrypt'];
/** The API's field names in a 400/409 → the column they come from. */
const FIELD_TO_COLUMN = { group_id: 'group', plan_id: 'plan' };

function templateCsv(groups, plans) {
  const g = groups[0]?.name ?? '';
  const p = plans[0]?.name ?? '';
  return csvLine(['action', 'username', 'name', 'email', 'group', 'plan', 'bonus_bytes', 'enabled', 'purgehold_active', 'promo'])
    + csvLine(['create', 'jdoe', 'Jane Doe', 'jane.doe@example.com', g, p, '5 GB', '', '', 'spring'])
    + csvLine(['update', 'rroe', 'Richard Roe', '', '', '', '', 'false', 'true', '']);
}

function parseBool(v) {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(s)) return true;
  if (['false', 'no', '0'].includes(s)) return false;
  return undefined;
}

const UNIT = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15 };
/** "123", "5 GB", "1.5 TB" → bytes; undefined when it is none of these. */
export function parseSize(v) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?b)?\s*$/i.exec(v);
  if (!m) return undefined;
  if (!m[2] && !/^\s*\d+\s*$/.test(v)) return undefined;
  const n = Math.round(Number(m[1]) * UNIT[(m[2] || 'b').toLowerCase()]);
  return Number.isSafeInteger(n) ? n : undefined;
}

function findByNameOrId(list, idKey, value) {
  const v = value.trim();
  const lower = v.toLowerCase();
  return list.find((x) => x.name === v) || list.find((x) => x.name.toLowerCase() === lower)
    || (/^\d+$/.test(v) ? list.find((x) => x[idKey] === Number(v)) : undefined);
}

/** The 400/409 body as [{column, message}], each field given the part of the reason that names it. */
function apiProblems(err) {
  const body = err.body || {};
  const names = body.invalid || body.conflicts || [];
  const reason = String(body.reason || err.message || 'The request failed.');
  const parts = reason.split(/;\s+/);
  if (!names.length) return [{ column: null, message: err.status === 402 ? `Not enough space: ${reason}` : reason }];
  return names.map((name) => {
    const own = parts.filter((p) => p.startsWith(`${name} `) || p.startsWith(`${name}:`) || p.includes(` ${name} `) || p === name);
    return { column: FIELD_TO_COLUMN[name] || name, message: capitalize(own.length ? own.join('; ') : reason) };
  });
}

class RowError extends Error {
  constructor(problems) {
    super(problems.map((p) => p.message).join('; '));
    this.problems = problems;
  }
}

/**
 * Turn one row into the values it sets: {action, id, fields: {api field: value}}, or throw a
 * RowError naming the columns at fault. Nothing is sent for a row that fails here.
 */
function readRow(cells, columns, groups, plans) {
  const v = {};
  columns.forEach((col, i) => {
    if (col && i < cells.length) {
      const raw = cells[i].trim();
      if (raw !== '') v[col] = TEXT_COLUMNS.has(col) ? fromSafeText(raw) : raw;
    }
  });
  const problems = [];
  const fields = {};
  const action = (v.action || '').toLowerCase();
  if (action && !['create', 'update'].includes(action)) problems.push({ column: 'action', message: 'Action must be create, update or blank.' });
  for (const k of ['username', 'name', 'email', 'promo', 'password_bcrypt']) if (v[k] !== undefined) fields[k] = v[k];
  if (v.group !== undefined) {
    const g = findByNameOrId(groups, 'group_id', v.group);
    if (g) fields.group_id = g.group_id;
    else problems.push({ column: 'group', message: `No group named or numbered “${v.group}”.` });
  }
  if (v.plan !== undefined) {
    const p = findByNameOrId(plans, 'plan_id', v.plan);
    if (p) fields.plan_id = p.plan_id;
    else problems.push({ column: 'plan', message: `No plan named or numbered “${v.plan}”.` });
  }
  if (v.bonus_bytes !== undefined) {
    const n = parseSize(v.bonus_bytes);
    if (n === undefined) problems.push({ column: 'bonus_bytes', message: 'Bonus space must be a number of bytes, or a size such as 5 GB.' });
    else fields.bonus_bytes = n;
  }
  for (const k of ['enabled', 'purgehold_active']) {
    if (v[k] === undefined) continue;
    const b = parseBool(v[k]);
    if (b === undefined) problems.push({ column: k, message: `${k} must be true or false.` });
    else fields[k] = b;
  }
  const id = v.username || v.email;
  if (!id) problems.push({ column: 'username', message: 'A row needs a username or an email.' });
  if (problems.length) throw new RowError(problems);
  return { action, id, byUsername: Boolean(v.username), fields };
}

/** The one request a row makes; a row that would need two is refused before anything is sent. */
function createBody(fields) {
  const problems = [];
  if (fields.enabled === false) problems.push({ column: 'enabled', message: 'A new user is always enabled: import the row as an update once the user exists.' });
  if (fields.purgehold_active === true) problems.push({ column: 'purgehold_active', message: 'A new user has no purge hold: import the row as an update once the user exists.' });
  if (fields.name === undefined) problems.push({ column: 'name', message: 'A new user needs a name.' });
  if (fields.email === undefined) problems.push({ column: 'email', message: 'A new user needs an email.' });
  if (problems.length) throw new RowError(problems);
  const body = { ...fields };
  delete body.enabled;
  delete body.purgehold_active;
  return body;
}

function updateBody(fields, user, byUsername) {
  const problems = CREATE_ONLY.filter((k) => fields[k] !== undefined)
    .map((k) => ({ column: k, message: `${k} can only be given when creating a user.` }));
  if (problems.length) throw new RowError(problems);
  const body = {};
  for (const k of ['name', 'email', 'group_id', 'plan_id', 'bonus_bytes', 'enabled', 'purgehold_active']) {
    if (fields[k] === undefined) continue;
    if (k === 'email' && (!byUsername || fields.email.toLowerCase() === user.email.toLowerCase())) continue;
    if (fields[k] !== user[k]) body[k] = fields[k];
  }
  // Moving to a group brings its plan unless the plan is named in the same request: a plan
  // column equal to the current plan must still be sent then, or the move would change it.
  if (body.group_id !== undefined && fields.plan_id !== undefined) body.plan_id = fields.plan_id;
  return body;
}

async function importRow(row) {
  let user = null;
  if (row.action !== 'create') {
    try {
      user = await get(userPath(row.id));
    } catch (err) {
      if (err.status !== 404) throw err;
      if (row.action === 'update') throw new RowError([{ column: row.byUsername ? 'username' : 'email', message: `No user ${row.id}.` }]);
    }
  }
  if (!user) {
    const created = await post('/users/', createBody(row.fields));
    return { outcome: 'Created', user: created.username, temp_password: created.temp_password || '' };
  }
  const body = updateBody(row.fields, user, row.byUsername);
  if (!Object.keys(body).length) return { outcome: 'Unchanged', user: user.username };
  const updated = await post(userPath(user.username), body);
  return { outcome: 'Updated', user: updated.username, changed: Object.keys(body) };
}

/** The import panel: the columns, a template, the file, and each row's outcome. */
export function importPanel({ groups, plans, onDone }) {
  const headingId = newId('import-h');
  const fileField = field({ name: 'file', label: 'CSV file', type: 'file', attrs: { accept: '.csv,text/csv' },
    hint: 'The first row names the columns. Each row is one request: a row that fails changes nothing.' });
  const run = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const stop = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Stop');
  const template = h('button', { type: 'button', class: 'secondary' }, 'Download a template');
  const form = h('form', { class: 'toolbar', novalidate: true },
    fileField, h('div', { class: 'actions' }, run, stop, template));
  const status = h('p', { class: 'summary', role: 'status' });
  const results = h('div');
  const columnsTable = h('table', { class: 'data' },
    h('caption', { class: 'vh' }, 'Columns of an import file'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Meaning'))),
    h('tbody', {}, IMPORT_COLUMNS.map(([k, text]) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, k)), h('td', {}, text)))));
  const panel = h('section', { class: 'card', 'aria-labelledby': headingId, id: newId('import') },
    h('h2', { id: headingId }, 'Import users from CSV'),
    h('details', {}, h('summary', {}, 'Columns of the file'),
      h('p', { class: 'hint' }, 'Column names are case-insensitive; group_id and plan_id are taken as group and plan. Blank cells change nothing. '
        + 'The columns of an export that only report (bytes_stored, num_devices, creation_time…) are skipped, so an export can be edited and imported again. '
        + 'Text that a spreadsheet would run as a formula is exported with a leading apostrophe, which the import removes.'),
      h('div', { class: 'table-wrap' }, columnsTable)),
    form, status, results);

  let stopping = false;
  template.addEventListener('click', () => download(new Blob([templateCsv(groups, plans)], { type: 'text/csv;charset=utf-8' }), 'users-template.csv'));
  stop.addEventListener('click', () => { stopping = true; stop.disabled = true; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = form.elements.file;
    const error = fileField.querySelector('.field-error');
    const fail = (message) => {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      fileField.classList.add('has-error');
      input.focus();
    };
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    fileField.classList.remove('has-error');
    const file = input.files[0];
    if (!file) { fail('Choose a CSV file.'); return; }
    let rows;
    try {
      rows = parseCsv(await file.text());
    } catch (err) {
      fail(`This is not a CSV file the import can read: ${err.message}`);
      return;
    }
    if (!rows.length) { fail('The file is empty.'); return; }
    const header = rows[0].map((c) => c.trim().toLowerCase());
    const known = new Set(IMPORT_COLUMNS.map(([k]) => k));
    const unknown = header.filter((c) => c && !known.has(ALIASES[c] || c) && !READ_ONLY.has(c));
    const columns = header.map((c) => (known.has(ALIASES[c] || c) ? ALIASES[c] || c : null));
    const dup = columns.find((c, i) => c && columns.indexOf(c) !== i);
    if (unknown.length) { fail(`Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Nothing was imported.`); return; }
    if (dup) { fail(`The column ${dup} is given twice. Nothing was imported.`); return; }
    if (!columns.includes('username') && !columns.includes('email')) { fail('The file needs a username or an email column. Nothing was imported.'); return; }
    const data = rows.slice(1).filter((r) => r.some((c) => c.trim() !== ''));
    if (!data.length) { fail('The file has a header but no rows.'); return; }

    const tbody = h('tbody');
    const table = h('table', { class: 'data' },
      h('caption', {}, `Import of ${file.name} (rows numbered as lines of the file: the header is row 1)`),
      h('thead', {}, h('tr', {}, ['Row', 'User', 'Outcome', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
      tbody);
    const outcomes = [];
    const saveResults = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Download the results');
    saveResults.addEventListener('click', () => {
      const text = csvLine(['row', 'user', 'outcome', 'column', 'reason', 'temp_password'])
        + outcomes.map((o) => (o.problems || [{ column: '', message: '' }]).map((p) => csvLine([o.line, safeText(o.user), o.outcome, p.column || '', p.message, o.temp_password || ''])).join('')).join('');
      download(new Blob([text], { type: 'text/csv;charset=utf-8' }), `import-results-${file.name.replace(/\.csv$/i, '')}.csv`);
    });
    clear(results).append(h('div', { class: 'table-wrap' }, table), h('div', { class: 'actions' }, saveResults));
    run.disabled = true;
    stopping = false;
    stop.hidden = false;
    stop.disabled = false;
    const tally = { Created: 0, Updated: 0, Unchanged: 0, Failed: 0 };
    let done = 0;
    for (const cells of data) {
      if (stopping) break;
      status.textContent = `Importing row ${count(done + 1)} of ${count(data.length)}…`;
      const line = cells.line;
      const who = cells[columns.indexOf('username')]?.trim() || cells[columns.indexOf('email')]?.trim() || '—';
      let o;
      try {
        if (cells.length !== header.length) {
          throw new RowError([{ column: null, message: `The row has ${cells.length} cells; the header has ${header.length}.` }]);
        }
        o = await importRow(readRow(cells, columns, groups, plans));
      } catch (err) {
        if (err.status === 401) throw err;
        o = { outcome: 'Failed', user: who, problems: err instanceof RowError ? err.problems : apiProblems(err) };
      }
      o.line = line;
      outcomes.push(o);
      tally[o.outcome] += 1;
      done += 1;
      let details = '';
      if (o.problems) {
        details = h('ul', { class: 'problems' }, o.problems.map((p) => h('li', {}, p.column ? [h('code', {}, p.column), ': '] : null, p.message)));
      } else if (o.outcome === 'Created') {
        details = o.temp_password ? 'Temporary password generated: download the results to see it.' : '';
      } else if (o.changed) {
        details = `Changed ${o.changed.join(', ')}.`;
      }
      tbody.append(h('tr', { class: o.problems ? 'failed' : null },
        h('th', { scope: 'row' }, `Row ${line}`), h('td', {}, o.user), h('td', {}, o.outcome), h('td', {}, details)));
    }
    run.disabled = false;
    stop.hidden = true;
    saveResults.hidden = false;
    const left = data.length - done;
    const text = `Imported ${count(done)} of ${count(data.length)} rows: ${tally.Created} created, ${tally.Updated} updated, `
      + `${tally.Unchanged} unchanged, ${tally.Failed} failed${left ? `; stopped before the other ${count(left)}` : ''}.`;
    status.textContent = text;
    announce(text);
    if (tally.Created || tally.Updated) onDone();
  });
  return panel;
}
