// The audit log page: newest first, cursor paging, filters.
import { test, expect, apiGet, signIn, checkA11y, screenshot } from './helpers.js';

test('page through the audit log and filter it', async ({ page, request }) => {
  const newest = await apiGet(request, '/partner/audit?limit=25');
  await signIn(page, '#/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const rows = page.locator('table.audit tbody tr');
  await expect(rows).toHaveCount(newest.entries.length);
  await expect(rows.first().getByRole('rowheader')).toHaveText(newest.entries[0].action);
  await checkA11y(page, 'audit log');
  await screenshot(page, 'audit');

  const pager = page.getByRole('navigation', { name: 'Pages of the audit log' });
  await expect(pager.getByRole('button', { name: 'Newer entries' })).toBeDisabled();
  if (newest.next_cursor) {
    const older = await apiGet(request, `/partner/audit?limit=25&cursor=${encodeURIComponent(newest.next_cursor)}`);
    await pager.getByRole('button', { name: 'Older entries' }).click();
    await expect(page.getByText(/^Page 2:/)).toBeVisible();
    await expect(rows.first().getByRole('rowheader')).toHaveText(older.entries[0].action);
    await pager.getByRole('button', { name: 'Newer entries' }).click();
    await expect(page.getByText(/^Page 1:/)).toBeVisible();
  }

  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').selectOption('device.create');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText(/^Page 1:/)).toBeVisible();
  for (const action of await page.locator('table.audit tbody th').allTextContents()) expect(action).toBe('device.create');

  // A window in the future has nothing.
  await filters.getByLabel('Action').selectOption('');
  await filters.getByLabel('From (UTC)').fill('2099-01-01T00:00');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No entries match.').first()).toBeVisible();
});
