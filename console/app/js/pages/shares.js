// Shares across the partner (A.9): pages of owners (users with at least one share, by avatar_id),
// each with their shares, and the same enable/disable switch as a user's page.
import { get, post, userPath } from '../api.js';
import { h, field, announce, newId } from '../dom.js';
import { time, count } from '../format.js';

const PAGE_SIZES = [10, 25, 50];

function stateFrom(params) {
  const num = (v, d) => (/^\d+$/.test(v || '') ? Number(v) : d);
  const limit = num(params.get('limit'), 25);
  return { offset: num(params.get('offset'), 0), limit: PAGE_SIZES.includes(limit) ? limit : 25 };
}

function hashOf(s) {
  const p = new URLSearchParams();
  if (s.offset) p.set('offset', String(s.offset));
  if (s.limit !== 25) p.set('limit', String(s.limit));
  const q = p.toString();
  return `#/shares${q ? `?${q}` : ''}`;
}

function shareSwitch(owner, share) {
  const id = newId('share');
  const input = h('input', { type: 'checkbox', role: 'switch', id, checked: share.enabled, class: 'switch' });
  const text = h('span', { 'aria-hidden': 'true' }, share.enabled ? 'On' : 'Off');
  input.addEventListener('change', async () => {
    const want = input.checked;
    text.textContent = want ? 'On' : 'Off';
    input.disabled = true;
    try {
      // The call of the user page (B.4): POST /users/<u>/shares/<room_key>?action=enable|disable.
      await post(`${userPath(owner.username)}/shares/${encodeURIComponent(share.room_key)}`, undefined, { action: want ? 'enable' : 'disable' });
      share.enabled = want;
      announce(`Share ${share.room_key} of ${owner.username} ${want ? 'enabled' : 'disabled'}.`);
    } catch (err) {
      input.checked = !want;
      text.textContent = input.checked ? 'On' : 'Off';
      announce(`Could not change share ${share.room_key} of ${owner.username}: ${err.message}`);
    } finally {
      input.disabled = false;
    }
  });
  return h('span', { class: 'switch-wrap' }, input,
    h('label', { for: id }, h('span', { class: 'vh' }, `Share ${share.room_key} of ${owner.username} enabled`), text));
}

/** One tbody per owner: the owner's cell spans their shares' rows and heads them. */
function ownerGroup(owner) {
  const n = owner.shares.length;
  return h('tbody', { class: 'owner' }, owner.shares.map((s, i) => h('tr', {},
    i === 0
      ? h('th', { scope: 'rowgroup', rowspan: String(n) },
        h('a', { href: `#/users/${encodeURIComponent(owner.email)}` }, owner.username),
        h('span', { class: 'sub' }, owner.name))
      : null,
    h('td', {}, h('code', {}, s.room_key)),
    h('td', {}, s.name),
    h('td', { class: 'nowrap' }, time(s.creation_time)),
    h('td', { class: 'nowrap' }, time(s.update_time)),
    h('td', { class: 'nowrap' }, s.last_login ? time(s.last_login) : 'Never'),
    h('td', {}, s.password_required ? 'Required' : 'No'),
    h('td', {}, shareSwitch(owner, s)))));
}

export async function renderShares(ctx) {
  const state = stateFrom(ctx.params);
  const quota = await get('/partner/quota');
  if (!ctx.isCurrent()) return;
  let seq = 0;

  const summary = h('p', { class: 'summary', id: 'shares-summary', 'aria-live': 'polite', tabindex: '-1' });
  const table = h('table', { class: 'data shares', 'aria-describedby': 'shares-summary' },
    h('caption', { class: 'vh' }, 'Shares, grouped by owner'),
    h('thead', {}, h('tr', {}, ['Owner', 'Room key', 'Name', 'Created', 'Updated', 'Last visit', 'Password', 'Enabled']
      .map((t) => h('th', { scope: 'col' }, t)))));
  const prev = h('button', { type: 'button', class: 'secondary' }, 'Previous page');
  const next = h('button', { type: 'button', class: 'secondary' }, 'Next page');
  const sizeField = field({ name: 'limit', label: 'Owners per page', type: 'select', value: state.limit, options: PAGE_SIZES.map((n) => ({ value: n, label: String(n) })) });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of shares' }, prev, next, sizeField);

  ctx.main.append(
    h('h1', {}, 'Shares'),
    h('p', { class: 'muted' }, `Every share of your users: ${count(quota.share_count)} in all, listed by owner (oldest account first). Turning a share off stops its links from working.`),
    summary,
    h('div', { class: 'table-wrap' }, table),
    pager,
  );

  function update() {
    history.replaceState(null, '', hashOf(state));
    load();
  }

  async function load() {
    const mine = ++seq;
    table.setAttribute('aria-busy', 'true');
    let owners;
    try {
      // One owner more than shown tells whether there is a next page.
      owners = await get('/shares/', { limit: state.limit + 1, offset: state.offset });
    } catch (err) {
      if (mine !== seq || !ctx.isCurrent()) return;
      table.removeAttribute('aria-busy');
      summary.textContent = `Could not load shares: ${err.message}`;
      return;
    }
    if (mine !== seq || !ctx.isCurrent()) return;
    table.removeAttribute('aria-busy');
    if (!owners.length && state.offset > 0) {
      state.offset = 0;
      update();
      return;
    }
    const more = owners.length > state.limit;
    const shown = owners.slice(0, state.limit);
    for (const body of table.querySelectorAll('tbody')) body.remove();
    if (!shown.length) {
      table.append(h('tbody', {}, h('tr', {}, h('td', { colspan: '8', class: 'empty' }, 'No user has a share.'))));
    }
    for (const o of shown) table.append(ownerGroup(o));
    const shares = shown.reduce((n, o) => n + o.shares.length, 0);
    const page = Math.floor(state.offset / state.limit) + 1;
    summary.textContent = shown.length
      ? `Page ${page}: owners ${count(state.offset + 1)}–${count(state.offset + shown.length)}, ${count(shares)} share${shares === 1 ? '' : 's'}`
      : 'No user has a share.';
    prev.disabled = state.offset === 0;
    next.disabled = !more;
  }

  prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); update(); });
  next.addEventListener('click', () => { state.offset += state.limit; update(); });
  sizeField.querySelector('select').addEventListener('change', (e) => { state.limit = Number(e.target.value); state.offset = 0; update(); });

  await load();
}
