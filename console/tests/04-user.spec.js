// User detail: fields, devices, shares; disable a share and find it in the audit log.
import { test, expect, apiGet, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

test('a user with devices and shares; disable a share', async ({ page, request }) => {
  const owners = await apiGet(request, '/shares/?limit=50');
  const owner = owners.find((o) => o.shares.some((s) => s.enabled));
  test.skip(!owner, 'the demo data has no enabled share');
  const share = owner.shares.find((s) => s.enabled);
  const user = await apiGet(request, `/users/${encodeURIComponent(owner.username)}`);
  const devices = await apiGet(request, `/users/${encodeURIComponent(owner.username)}/devices`);

  await signIn(page, `#/users/${encodeURIComponent(user.email)}`);
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details.getByRole('definition').first()).toHaveText(user.username);
  await expect(page.getByRole('region', { name: `Devices (${devices.length})` })).toBeVisible();
  const shares = page.getByRole('region', { name: `Shares (${owner.shares.length})` });
  await expect(shares.getByRole('row')).toHaveCount(owner.shares.length + 1);
  await checkA11y(page, 'user detail');
  await screenshot(page, 'user');

  const toggle = shares.getByRole('switch', { name: `Share ${share.room_key} enabled` });
  await expect(toggle).toBeChecked();
  await toggle.press('Space');
  await expect(toggle).not.toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: `Share ${share.room_key} disabled.` })).toBeAttached();
  const after = await apiGet(request, `/users/${encodeURIComponent(owner.username)}/shares/${encodeURIComponent(share.room_key)}`);
  expect(after.enabled).toBe(false);

  await expectAudit(page, { action: 'share.update', object: `share/${user.avatar_id}/${share.room_key}`, text: 'enabled' });
});

test('edit a user: a bad email is shown beside its field', async ({ page, request }) => {
  const [user] = await apiGet(request, '/users/?limit=1&offset=5&order_by=username');
  await signIn(page, `#/users/${encodeURIComponent(user.email)}`);
  const form = page.getByRole('form', { name: 'Edit' });
  await form.getByLabel('Email').fill('not an email');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="email"] .field-error')).toContainText(/email/i);
  await form.getByLabel('Email').fill(user.email);
  await form.getByLabel('Full name').fill(`${user.name} Jr`);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('region', { name: 'Details' })).toBeVisible();
  await expect.poll(async () => (await apiGet(request, `/users/${encodeURIComponent(user.username)}`)).name).toBe(`${user.name} Jr`);
});
