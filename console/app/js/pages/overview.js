// Overview: quota as bars, counts, enabled features.
import { get } from '../api.js';
import { h } from '../dom.js';
import { bytes, count } from '../format.js';

const FEATURES = {
  netkes: 'Key escrow server (netkes)',
  ldap: 'LDAP support',
  group_permissions: 'Group permissions',
  signup_restrictions: 'Signup restrictions',
  email_as_username: 'Email as username',
};

function bar(label, value, scale, kind) {
  const pct = scale > 0 ? Math.min(100, (value / scale) * 100) : 0;
  const fill = h('span', { class: `fill ${kind}` });
  fill.style.width = `${pct.toFixed(1)}%`;
  return h('div', { class: 'bar-row' },
    h('dt', {}, label),
    h('dd', {},
      h('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'bar-value' }, bytes(value))));
}

export async function renderOverview(ctx) {
  const [quota, info, features, users] = await Promise.all([
    get('/partner/quota'), get('/partner/info'), get('/partner/features'), get('/users/', { action: 'user_count' }),
  ]);
  if (!ctx.isCurrent()) return;
  const available = quota.bytes_available;
  const scale = available ?? Math.max(quota.bytes_allocated, quota.bytes_used, 1);
  const note = available === null
    ? 'No storage limit is set for this partner: the bars are relative to the space allocated.'
    : `${Math.round((quota.bytes_allocated / Math.max(available, 1)) * 100)}% of the available space is allocated to users.`;

  ctx.main.append(
    h('h1', {}, info.company_name),
    h('p', { class: 'muted' }, `Brand ${info.brand_identifier}`),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'quota-h' },
        h('h2', { id: 'quota-h' }, 'Storage'),
        h('dl', { class: 'bars' },
          h('div', { class: 'bar-row' }, h('dt', {}, 'Available'),
            h('dd', {}, available === null
              ? h('span', { class: 'bar-value' }, 'No limit')
              : [h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'fill available full' })), h('span', { class: 'bar-value' }, bytes(available))])),
          bar('Allocated', quota.bytes_allocated, scale, 'allocated'),
          bar('Used', quota.bytes_used, scale, 'used')),
        h('p', { class: 'hint' }, note)),
      h('section', { class: 'card', 'aria-labelledby': 'counts-h' },
        h('h2', { id: 'counts-h' }, 'Counts'),
        h('dl', { class: 'counts' },
          h('div', {}, h('dt', {}, 'Users'), h('dd', {}, h('a', { href: '#/users' }, count(users.user_count)))),
          h('div', {}, h('dt', {}, 'Devices'), h('dd', {}, count(quota.device_count))),
          h('div', {}, h('dt', {}, 'Shares'), h('dd', {}, count(quota.share_count))))),
      h('section', { class: 'card', 'aria-labelledby': 'features-h' },
        h('h2', { id: 'features-h' }, 'Features'),
        h('ul', { class: 'features' },
          Object.entries(FEATURES).map(([key, label]) =>
            h('li', { class: features[key] ? 'on' : 'off' },
              h('span', { class: 'state' }, features[key] ? 'On' : 'Off'), ' ', label))),
        h('p', { class: 'hint' }, 'Features are set by your service provider.'))),
  );
}
