// Client revisions (A.10): the chart's numbers are the API's, with and without the login-age filter.
import { test, expect, apiGet, signIn, checkA11y, screenshot } from './helpers.js';

async function expectChart(page, rows) {
  const body = page.locator('table.chart tbody tr');
  if (!rows.length) {
    await expect(body).toHaveCount(1);
    await expect(body).toHaveText('No device matches.');
    return;
  }
  await expect(body).toHaveCount(rows.length);
  await expect(body.getByRole('rowheader')).toHaveText(rows.map((r) => String(r.revision)));
  await expect(body.locator('td:nth-child(2)')).toHaveText(rows.map((r) => r.count.toLocaleString('en-US')));
  const total = rows.reduce((n, r) => n + r.count, 0);
  await expect(page.locator('#clients-summary')).toContainText(`${total.toLocaleString('en-US')} device`);
}

test('devices per client revision, with the login-age filter', async ({ page, request }) => {
  const all = await apiGet(request, '/clientrevisions/');
  const recent = await apiGet(request, '/clientrevisions/?max_days_since_login=30');
  expect(all.length, 'the demo data has devices').toBeGreaterThan(0);

  await signIn(page, '#/clients');
  await expect(page.getByRole('heading', { level: 1, name: 'Client revisions' })).toBeVisible();
  await expectChart(page, all);
  // The biggest revision's bar is full; the data is text as well, for screen readers.
  const most = all.reduce((a, b) => (b.count > a.count ? b : a));
  const mostRow = page.locator('table.chart tbody tr').filter({ has: page.getByRole('rowheader', { name: String(most.revision), exact: true }) });
  expect(await mostRow.locator('.fill').evaluate((el) => el.style.width)).toBe('100%');
  await expect(mostRow.locator('.bar')).toHaveAttribute('aria-hidden', 'true');
  await checkA11y(page, 'client revisions');
  await screenshot(page, 'clients');

  const filters = page.getByRole('search', { name: 'Filter devices' });
  await filters.getByLabel('Logged in within (days)').fill('30');
  await filters.getByRole('button', { name: 'Show devices' }).click();
  await expect(page.locator('#clients-summary')).toContainText('within the last 30 days');
  await expectChart(page, recent);
  await expect(page).toHaveURL(/#\/clients\?days=30$/);

  // The filter survives a reload (it is in the address).
  await page.reload();
  await expect(page.getByRole('search', { name: 'Filter devices' }).getByLabel('Logged in within (days)')).toHaveValue('30');
  await expectChart(page, recent);

  // A range the API refuses (max below min) is explained beside its field.
  await filters.getByLabel('Logged in within (days)').fill('');
  await filters.getByLabel('Lowest revision').fill('600');
  await filters.getByLabel('Highest revision').fill('500');
  await filters.getByRole('button', { name: 'Show devices' }).click();
  const bad = filters.locator('[aria-invalid="true"]');
  await expect(bad).toHaveCount(1);
  await expect(bad).toHaveAttribute('name', /^(max|min)_revision$/);
  await expect(filters.locator('.has-error .field-error')).toContainText(/revision/);
  await checkA11y(page, 'client revisions with an error');
});
