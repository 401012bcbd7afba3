// Settings: a 400 shows its reason beside each field it names; a valid change is saved.
import { test, expect, apiGet, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

test('invalid values are explained beside their fields, then valid ones are saved', async ({ page, request }) => {
  const before = await apiGet(request, '/partner/settings');
  await signIn(page, '#/settings');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const form = page.locator('form.settings');
  await expect(form.getByLabel('Share link lifetime (minutes)')).toHaveValue(String(before.share_link_ttl));
  await checkA11y(page, 'settings');
  await screenshot(page, 'settings');

  const ttl = form.getByLabel('Share link lifetime (minutes)');
  const email = form.getByLabel('Support email');
  await ttl.fill('0');
  await email.fill('not-an-address');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(ttl).toHaveAttribute('aria-invalid', 'true');
  await expect(ttl).toHaveAccessibleDescription(/share_link_ttl must be an integer from 1 to 5256000/i);
  await expect(form.locator('[data-field="share_link_ttl"] .field-error')).toBeVisible();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="support_email"] .field-error')).toContainText(/support_email/i);
  await expect(form.getByLabel('Administrator email')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(ttl.or(email).first()).toBeFocused();
  await checkA11y(page, 'settings with errors');
  expect((await apiGet(request, '/partner/settings')).share_link_ttl).toBe(before.share_link_ttl);

  const newTtl = before.share_link_ttl === 20160 ? 30240 : 20160;
  await ttl.fill(String(newTtl));
  await email.fill('support@example.com');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeAttached();
  await expect(ttl).not.toHaveAttribute('aria-invalid', 'true');
  const after = await apiGet(request, '/partner/settings');
  expect(after.share_link_ttl).toBe(newTtl);
  expect(after.support_email).toBe('support@example.com');

  const entry = await expectAudit(page, { action: 'settings.update', text: 'share_link_ttl' });
  await expect(entry).toContainText(`${before.share_link_ttl} → ${newTtl}`);
});
