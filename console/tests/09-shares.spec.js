// Shares across the partner (A.9): pages of owners, links to their user page, enable/disable.
import { test, expect, apiGet, signIn, checkA11y, screenshot } from './helpers.js';

const PAGE = 25;

test('every share by owner, paged; disable and enable one', async ({ page, request }) => {
  const first = await apiGet(request, `/shares/?limit=${PAGE}&offset=0`);
  const second = await apiGet(request, `/shares/?limit=${PAGE}&offset=${PAGE}`);
  test.skip(first.length === 0, 'the demo data has no share');
  const quota = await apiGet(request, '/partner/quota');

  await signIn(page, '#/shares');
  await expect(page.getByRole('heading', { level: 1, name: 'Shares' })).toBeVisible();
  await expect(page.getByText(`${quota.share_count.toLocaleString('en-US')} in all`)).toBeVisible();
  const table = page.locator('table.shares');
  const groups = table.locator('tbody.owner');
  await expect(groups).toHaveCount(first.length);
  const shareRows = first.reduce((n, o) => n + o.shares.length, 0);
  await expect(groups.getByRole('row')).toHaveCount(shareRows);
  // Each owner heads their group, in the API's order, and links to their user page.
  await expect(table.locator('tbody.owner th a')).toHaveText(first.map((o) => o.username));
  await expect(page.locator('#shares-summary')).toHaveText(`Page 1: owners 1–${first.length}, ${shareRows} share${shareRows === 1 ? '' : 's'}`);
  await checkA11y(page, 'shares');
  await screenshot(page, 'shares');

  const pager = page.getByRole('navigation', { name: 'Pages of shares' });
  await expect(pager.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  if (second.length) {
    await pager.getByRole('button', { name: 'Next page' }).click();
    await expect(page.locator('#shares-summary')).toHaveText(new RegExp(`^Page 2: owners ${PAGE + 1}–${PAGE + second.length},`));
    await expect(table.locator('tbody.owner th a')).toHaveText(second.map((o) => o.username));
    await expect(page).toHaveURL(/#\/shares\?offset=25$/);
    await pager.getByRole('button', { name: 'Previous page' }).click();
    await expect(page.locator('#shares-summary')).toHaveText(/^Page 1:/);
  } else {
    await expect(pager.getByRole('button', { name: 'Next page' })).toBeDisabled();
  }
  await pager.getByLabel('Owners per page').selectOption('10');
  await expect(groups).toHaveCount(Math.min(10, first.length));

  // Disable an enabled share from this page; the API says so; enable it again.
  const owner = first.slice(0, 10).find((o) => o.shares.some((s) => s.enabled));
  test.skip(!owner, 'no enabled share on the first page');
  const share = owner.shares.find((s) => s.enabled);
  const sharePath = `/users/${encodeURIComponent(owner.username)}/shares/${encodeURIComponent(share.room_key)}`;
  const toggle = page.getByRole('switch', { name: `Share ${share.room_key} of ${owner.username} enabled` });
  await expect(toggle).toBeChecked();
  await toggle.press('Space');
  await expect(toggle).not.toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: `Share ${share.room_key} of ${owner.username} disabled.` })).toBeAttached();
  await expect(toggle).toBeEnabled();
  expect((await apiGet(request, sharePath)).enabled).toBe(false);
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect(page.getByRole('status').filter({ hasText: `Share ${share.room_key} of ${owner.username} enabled.` })).toBeAttached();
  await expect(toggle).toBeEnabled();
  expect((await apiGet(request, sharePath)).enabled).toBe(true);

  // The owner's name links to their user page.
  await table.getByRole('link', { name: owner.username, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: owner.name })).toBeVisible();
  await expect(page.getByRole('region', { name: `Shares (${owner.shares.length})` })).toBeVisible();
});
