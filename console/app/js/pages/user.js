// One user: fields (editable, bonus space in bytes or GB), purge hold, the activation email,
// devices (client revision, last backup), shares with enable/disable, delete.
import { get, post, del, userPath } from '../api.js';
import { h, clear, field, announce, newId, showApiError, clearErrors, setFormError, confirmDialog } from '../dom.js';
import { bytes, time, count } from '../format.js';
import { parseSize } from './users-csv.js';

function switchCell(label, checked, onChange) {
  const id = newId('switch');
  const input = h('input', { type: 'checkbox', role: 'switch', id, checked, class: 'switch' });
  const text = h('span', { 'aria-hidden': 'true' }, checked ? 'On' : 'Off');
  input.addEventListener('change', async () => {
    const want = input.checked;
    text.textContent = want ? 'On' : 'Off';
    input.disabled = true;
    try {
      await onChange(want);
    } catch (err) {
      input.checked = !want;
      text.textContent = input.checked ? 'On' : 'Off';
      announce(err.message);
    } finally {
      input.disabled = false;
    }
  });
  return h('span', { class: 'switch-wrap' }, input, h('label', { for: id }, h('span', { class: 'vh' }, label), text));
}

export async function renderUser(ctx) {
  const who = ctx.args[0];
  let user;
  try {
    user = await get(userPath(who));
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.main.append(h('h1', {}, 'User not found'), h('p', {}, `No user ${who}. `, h('a', { href: '#/users' }, 'Back to users')));
    return;
  }
  const [devices, shares, groups, plans] = await Promise.all([
    get(`${userPath(user.username)}/devices`), get(`${userPath(user.username)}/shares/`), get('/groups/'), get('/plans'),
  ]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(user.username);
  const groupName = new Map(groups.map((g) => [g.group_id, g.name]));
  const planName = new Map(plans.map((p) => [p.plan_id, p.name]));

  const facts = h('dl', { class: 'facts' });
  function renderFacts() {
    clear(facts);
    const rows = [
      ['Username', user.username], ['Email', user.email], ['Group', groupName.get(user.group_id) || `#${user.group_id}`],
      ['Plan', `${planName.get(user.plan_id) || `#${user.plan_id}`} (${bytes(user.storage_bytes)})`],
      ['Bonus space', bytes(user.bonus_bytes)], ['Stored', bytes(user.bytes_stored)],
      ['Enabled', user.enabled ? 'Yes' : 'No'], ['Purge hold', user.purgehold_active ? 'Active' : 'Off'],
      ['Created', time(user.creation_time)], ['Last login', user.last_login ? time(user.last_login) : 'Never'],
      ['Share id', user.share_id || '—'], ['Promo', user.promo || '—'], ['User id', String(user.avatar_id)],
    ];
    for (const [k, v] of rows) facts.append(h('div', {}, h('dt', {}, k), h('dd', {}, v)));
  }
  renderFacts();

  const form = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'edit-h' },
    field({ name: 'name', label: 'Full name', value: user.name }),
    field({ name: 'email', label: 'Email', type: 'email', value: user.email }),
    field({ name: 'group_id', label: 'Group', type: 'select', value: user.group_id, options: groups.map((g) => ({ value: g.group_id, label: g.name })) }),
    field({ name: 'plan_id', label: 'Plan', type: 'select', value: user.plan_id, options: plans.map((p) => ({ value: p.plan_id, label: `${p.name} (${bytes(p.storage_bytes)})` })) }),
    field({ name: 'bonus_bytes', label: 'Bonus space (bytes)', type: 'text', value: String(user.bonus_bytes), attrs: { autocomplete: 'off' }, hint: 'Bytes, or a size such as 5 GB (1 GB = 1000000000 bytes)' }),
    field({ name: 'enabled', label: 'Enabled', type: 'checkbox', value: user.enabled }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save changes')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const f = form.elements;
    const body = {};
    if (f.name.value.trim() !== user.name) body.name = f.name.value.trim();
    if (f.email.value.trim() !== user.email) body.email = f.email.value.trim();
    if (Number(f.group_id.value) !== user.group_id) body.group_id = Number(f.group_id.value);
    if (Number(f.plan_id.value) !== user.plan_id) body.plan_id = Number(f.plan_id.value);
    const bonus = f.bonus_bytes.value.trim();
    if (bonus !== String(user.bonus_bytes)) {
      // A size with a unit is turned into bytes here; anything else goes as typed, for the API to refuse.
      const n = parseSize(bonus);
      if (n !== user.bonus_bytes) body.bonus_bytes = n ?? bonus;
    }
    if (f.enabled.checked !== user.enabled) body.enabled = f.enabled.checked;
    if (!Object.keys(body).length) { announce('Nothing to save.'); return; }
    try {
      user = await post(userPath(user.username), body);
      renderFacts();
      f.bonus_bytes.value = String(user.bonus_bytes);
      announce(`Saved ${user.username}.`);
      history.replaceState(null, '', `#/users/${encodeURIComponent(user.email)}`);
    } catch (err) {
      if (err.status === 400 || err.status === 409) showApiError(form, err);
      else if (err.status === 402) setFormError(form, `Not enough space: ${err.message}`);
      else setFormError(form, err.message);
    }
  });

  const deviceTable = devices.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'vh' }, `Devices of ${user.username}`),
      h('thead', {}, h('tr', {}, ['Name', 'Client revision', 'Created', 'Last login', 'Last complete backup'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, devices.map((d) => h('tr', {},
        h('th', { scope: 'row' }, d.name), h('td', { class: 'num' }, String(d.client_revision)), h('td', {}, time(d.creation_time)),
        h('td', {}, d.last_login ? time(d.last_login) : 'Never'), h('td', {}, d.last_backup_complete ? time(d.last_backup_complete) : 'Never'))))))
    : h('p', { class: 'muted' }, 'No devices.');

  const shareTable = shares.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'vh' }, `Shares of ${user.username}`),
      h('thead', {}, h('tr', {}, ['Room key', 'Name', 'Description', 'Created', 'Updated', 'Last visit', 'Password', 'Enabled'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, shares.map((s) => h('tr', {},
        h('th', { scope: 'row' }, s.room_key), h('td', {}, s.name), h('td', {}, s.description), h('td', {}, time(s.creation_time)),
        h('td', {}, time(s.update_time)), h('td', {}, s.last_login ? time(s.last_login) : 'Never'), h('td', {}, s.password_required ? 'Required' : 'No'),
        h('td', {}, switchCell(`Share ${s.room_key} enabled`, s.enabled, async (want) => {
          await post(`${userPath(user.username)}/shares/${encodeURIComponent(s.room_key)}`, undefined, { action: want ? 'enable' : 'disable' });
          s.enabled = want;
          announce(`Share ${s.room_key} ${want ? 'enabled' : 'disabled'}.`);
        })))))))
    : h('p', { class: 'muted' }, 'No shares.');

  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete user');
  remove.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: `Delete ${user.username}?`,
      message: `${user.name} (${user.email}) will be deleted with their ${devices.length} device(s) and ${shares.length} share(s). This cannot be undone.`,
      confirmLabel: 'Delete user',
    });
    if (!ok) { remove.focus(); return; }
    try {
      await del(userPath(user.username));
      announce(`Deleted ${user.username}.`);
      ctx.navigate('#/users');
    } catch (err) {
      announce(`Could not delete ${user.username}: ${err.message}`);
    }
  });

  // Purge hold: applied at once, like the other switches.
  const purgehold = switchCell('Purge hold', user.purgehold_active, async (want) => {
    user = await post(userPath(user.username), { purgehold_active: want });
    renderFacts();
    announce(`Purge hold ${user.purgehold_active ? 'on' : 'off'} for ${user.username}.`);
  });

  // The activation email (B.3, C.6): queued by the server, with an optional template and code.
  const activation = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'activation-h' },
    h('p', { class: 'hint' }, `Queues an activation email to ${user.email}.`),
    field({ name: 'template_name', label: 'Template name (optional)', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    field({ name: 'reg_code', label: 'Registration code (optional)', attrs: { autocomplete: 'off', spellcheck: 'false' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Send activation email')));
  const sent = h('p', { class: 'summary', role: 'status' });
  activation.append(sent);
  activation.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(activation);
    sent.textContent = '';
    const f = activation.elements;
    const body = {};
    if (f.template_name.value.trim()) body.template_name = f.template_name.value.trim();
    if (f.reg_code.value.trim()) body.reg_code = f.reg_code.value.trim();
    const button = activation.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await post(userPath(user.username), body, { action: 'sendactivationemail' });
      sent.textContent = `Activation email queued for ${user.email}.`;
    } catch (err) {
      if (err.status === 400 || err.status === 409) showApiError(activation, err);
      else setFormError(activation, err.message);
    } finally {
      button.disabled = false;
    }
  });

  ctx.main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/users' }, '← All users')),
    h('div', { class: 'page-head' }, h('h1', {}, user.name || user.username), remove),
    h('div', { class: 'grid two' },
      h('section', { class: 'card', 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, 'Details'), facts),
      h('section', { class: 'card', 'aria-labelledby': 'edit-h' }, h('h2', { id: 'edit-h' }, 'Edit'), form)),
    h('div', { class: 'grid two' },
      h('section', { class: 'card', 'aria-labelledby': 'hold-h' }, h('h2', { id: 'hold-h' }, 'Purge hold'),
        h('p', { class: 'hint' }, 'While the hold is on, nothing of this user’s data is purged (deleted items and old versions are kept).'),
        h('p', {}, purgehold)),
      h('section', { class: 'card', 'aria-labelledby': 'activation-h' }, h('h2', { id: 'activation-h' }, 'Activation email'), activation)),
    h('section', { class: 'card', 'aria-labelledby': 'devices-h' }, h('h2', { id: 'devices-h' }, `Devices (${count(devices.length)})`), deviceTable),
    h('section', { class: 'card', 'aria-labelledby': 'shares-h' }, h('h2', { id: 'shares-h' }, `Shares (${count(shares.length)})`), shareTable),
  );
}
