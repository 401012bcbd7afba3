// Overview: quota bars, counts and features, as the API gives them.
import { test, expect, apiGet, signIn, checkA11y, screenshot } from './helpers.js';

test('the overview shows quota, counts and features', async ({ page, request }) => {
  const [quota, info, features, users] = await Promise.all([
    apiGet(request, '/partner/quota'), apiGet(request, '/partner/info'), apiGet(request, '/partner/features'),
    apiGet(request, '/users/?action=user_count'),
  ]);
  await signIn(page);
  await expect(page.getByRole('heading', { level: 1, name: info.company_name })).toBeVisible();
  const storage = page.getByRole('region', { name: 'Storage' });
  await expect(storage.getByText('Allocated', { exact: true })).toBeVisible();
  await expect(storage.getByText('Used', { exact: true })).toBeVisible();
  await expect(storage.getByText('Available', { exact: true })).toBeVisible();
  if (quota.bytes_available === null) await expect(storage.getByText('No limit')).toBeVisible();
  const counts = page.getByRole('region', { name: 'Counts' });
  await expect(counts.getByRole('link', { name: users.user_count.toLocaleString('en-US') })).toBeVisible();
  await expect(counts.getByText(quota.device_count.toLocaleString('en-US'), { exact: true })).toBeVisible();
  await expect(counts.getByText(quota.share_count.toLocaleString('en-US'), { exact: true })).toBeVisible();
  const list = page.getByRole('region', { name: 'Features' }).getByRole('listitem');
  await expect(list).toHaveCount(Object.keys(features).length);
  await expect(list.filter({ hasText: 'LDAP support' })).toContainText(features.ldap ? 'On' : 'Off');
  await checkA11y(page, 'overview');
  await screenshot(page, 'overview');
});
