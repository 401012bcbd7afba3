// Settings: every A.8 key; a 400 shows its reason beside each field named in `invalid`.
import { get, post } from '../api.js';
import { h, field, announce, showApiError, clearErrors, setFormError } from '../dom.js';

// kind: text (nullable string, blank = null), int (integer), intnull (blank = null), list, bool
const KEYS = [
  { key: 'omva_url', label: 'Management appliance URL', kind: 'text', type: 'url', hint: 'Absolute http or https URL of your OpenManage appliance; blank for none.' },
  { key: 'support_email', label: 'Support email', kind: 'text', type: 'email', hint: 'Shown to users whose signup is refused; blank for none.' },
  { key: 'admin_email', label: 'Administrator email', kind: 'text', type: 'email', hint: 'Blank for none.' },
  { key: 'share_link_ttl', label: 'Share link lifetime (minutes)', kind: 'int', hint: 'How long generated share links stay valid: 1 to 5256000 minutes.' },
  { key: 'sharing_enabled', label: 'Users may publish shares', kind: 'bool' },
  { key: 'autopurge_interval', label: 'Purge deleted items after (days)', kind: 'intnull', hint: '0 or blank turns automatic purging off; at most 999999999 days.' },
  { key: 'versionpurge_interval', label: 'Purge historical versions after (days)', kind: 'intnull', hint: '0 or blank turns it off; at most 999999999 days.' },
  { key: 'purgehold_duration', label: 'Purge hold after a deletion (seconds)', kind: 'int', hint: '0 to 315360000 seconds.' },
  { key: 'ad_domain', label: 'ActiveDirectory domain', kind: 'text', hint: 'Users must belong to this domain (needs the LDAP feature); blank turns the check off.' },
  { key: 'signup_network_restriction', label: 'Networks that may not sign up directly', kind: 'list', hint: 'One IPv4 or IPv6 netblock (CIDR) per line; needs the signup restrictions feature.' },
  { key: 'api_version', label: 'API version recorded by the appliance', kind: 'text', hint: 'Free text; blank for none.' },
];

function toInput(k, v) {
  if (k.kind === 'bool') return Boolean(v);
  if (k.kind === 'list') return (v || []).join('\n');
  return v === null || v === undefined ? '' : String(v);
}

function fromInput(k, el) {
  if (k.kind === 'bool') return el.checked;
  const raw = el.value;
  if (k.kind === 'list') return raw.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean);
  const t = raw.trim();
  if (k.kind === 'text') return t === '' ? null : t;
  if (k.kind === 'intnull' && t === '') return null;
  // Let the server judge anything that is not a plain integer, so its message is the one shown.
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

export async function renderSettings(ctx) {
  const [settings, features] = await Promise.all([get('/partner/settings'), get('/partner/features')]);
  if (!ctx.isCurrent()) return;
  let current = settings;
  const form = h('form', { class: 'stack settings', novalidate: true, 'aria-labelledby': 'settings-h' });
  for (const k of KEYS) {
    let hint = k.hint;
    if (k.key === 'ad_domain' && !features.ldap) hint += ' The LDAP feature is off for this partner.';
    if (k.key === 'signup_network_restriction' && !features.signup_restrictions) hint += ' The signup restrictions feature is off for this partner.';
    form.append(field({
      name: k.key, label: k.label, hint, value: toInput(k, current[k.key]),
      type: k.kind === 'bool' ? 'checkbox' : k.kind === 'list' ? 'textarea' : k.type || 'text',
      attrs: k.kind === 'int' || k.kind === 'intnull' ? { inputmode: 'numeric', autocomplete: 'off' } : { autocomplete: 'off', spellcheck: 'false' },
    }));
  }
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
  const reset = h('button', { type: 'button', class: 'secondary' }, 'Undo changes');
  form.append(h('div', { class: 'actions' }, save, reset));

  function fill() {
    for (const k of KEYS) {
      const el = form.elements[k.key];
      if (k.kind === 'bool') el.checked = Boolean(current[k.key]);
      else el.value = toInput(k, current[k.key]);
    }
  }

  reset.addEventListener('click', () => { clearErrors(form); fill(); announce('Changes undone.'); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    for (const k of KEYS) {
      const value = fromInput(k, form.elements[k.key]);
      if (JSON.stringify(value) !== JSON.stringify(current[k.key])) body[k.key] = value;
    }
    if (!Object.keys(body).length) { announce('Nothing changed.'); return; }
    save.disabled = true;
    try {
      current = await post('/partner/settings', body);
      fill();
      announce(`Settings saved (${Object.keys(body).join(', ')}).`);
    } catch (err) {
      if (err.status === 400) {
        showApiError(form, err);
        announce('Settings not saved: see the messages beside the fields.');
      } else {
        setFormError(form, err.message);
      }
    } finally {
      save.disabled = false;
    }
  });

  ctx.main.append(
    h('h1', { id: 'settings-h' }, 'Settings'),
    h('p', { class: 'muted' }, 'Enterprise settings for your users. Only the fields you change are sent.'),
    h('section', { class: 'card' }, form),
  );
}
