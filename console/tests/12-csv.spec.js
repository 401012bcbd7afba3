// Users CSV: import (create and edit rows, one bad row that changes nothing and shows its reason
// beside its column) and export (every page of the current filter, RFC 4180 quoting).
import { readFile } from 'node:fs/promises';
import { test, expect, apiGet, basicAuth, API, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';
import { parseCsv, csvLine } from '../app/js/csv.js';

const status = async (request, p) => (await request.get(API + p, { headers: basicAuth() })).status();

test('import a CSV: good rows are created, an edit row changes its user, the bad row changes nothing', async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const groups = await apiGet(request, '/groups/');
  const plans = await apiGet(request, '/plans');
  const [existing] = await apiGet(request, '/users/?limit=1&offset=20&order_by=username');
  const group = groups[groups.length - 1];
  const a = { username: `csv-a-${suffix}`, name: 'Doe, Jane "JD"', email: `csv-a-${suffix}@example.com` };
  const b = { username: `csv-b-${suffix}`, name: 'Bob Roe', email: `csv-b-${suffix}@example.com` };
  const bad = { username: `csv-bad-${suffix}`, name: 'Bad Row', email: 'not-an-email' };
  const bonus = existing.bonus_bytes === 3e9 ? 4e9 : 3e9;
  const csv = csvLine(['action', 'username', 'name', 'email', 'group', 'plan', 'bonus_bytes', 'enabled'])
    + csvLine(['', a.username, a.name, a.email, group.name, '', '', ''])
    + csvLine(['create', b.username, b.name, b.email, String(group.group_id), plans[0].name, '2 GB', 'true'])
    + csvLine(['', bad.username, bad.name, bad.email, '', '', '', ''])
    + csvLine(['update', existing.username, `${existing.name} Imported`, '', '', '', String(bonus), '']);

  await signIn(page, '#/users');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const panel = page.getByRole('region', { name: 'Import users from CSV' });
  await expect(panel).toBeVisible();
  // Nothing chosen: the message sits beside the file field.
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(panel.getByLabel('CSV file')).toHaveAttribute('aria-invalid', 'true');
  await panel.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Imported 4 of 4 rows: 2 created, 1 updated, 0 unchanged, 1 failed.');

  const results = panel.getByRole('table', { name: 'Import of people.csv' });
  const rowOf = (n) => results.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `Row ${n}`, exact: true }) });
  await expect(rowOf(2)).toContainText('Created');
  await expect(rowOf(3)).toContainText('Created');
  await expect(rowOf(4)).toContainText('Failed');
  await expect(rowOf(4).locator('ul.problems li')).toHaveText([/^email: .*email/i]);
  await expect(rowOf(5)).toContainText('Updated');
  await expect(rowOf(5)).toContainText('Changed name, bonus_bytes.');
  await checkA11y(page, 'users import results');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'import');

  // The API agrees: two users made as the file says, nothing for the bad row, the edit applied.
  const madeA = await apiGet(request, `/users/${a.username}`);
  expect(madeA).toMatchObject({ name: a.name, email: a.email, group_id: group.group_id, plan_id: group.plan_id });
  const madeB = await apiGet(request, `/users/${b.username}`);
  expect(madeB).toMatchObject({ name: b.name, email: b.email, group_id: group.group_id, plan_id: plans[0].plan_id, bonus_bytes: 2e9, enabled: true });
  expect(await status(request, `/users/${bad.username}`)).toBe(404);
  const edited = await apiGet(request, `/users/${existing.username}`);
  expect(edited).toMatchObject({ name: `${existing.name} Imported`, bonus_bytes: bonus, email: existing.email, group_id: existing.group_id });
  await expectAudit(page, { action: 'user.create', object: `user/${madeB.avatar_id}`, text: b.email });

  // The same file again: the rows now exist, so they are edits that change nothing, the create
  // row is a conflict on its username, and the bad row still fails.
  await page.goto('/console/#/users');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  await panel.getByLabel('CSV file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Imported 4 of 4 rows: 0 created, 0 updated, 2 unchanged, 2 failed.');
  const again = panel.getByRole('table', { name: 'Import of again.csv' });
  const againRow = (n) => again.getByRole('row').filter({ has: page.getByRole('rowheader', { name: `Row ${n}`, exact: true }) });
  await expect(againRow(3).locator('ul.problems li').first()).toHaveText(/^username: /);
  await expect(againRow(4).locator('ul.problems li')).toHaveText([/^email: /]);
  expect(await status(request, `/users/${bad.username}`)).toBe(404);
});

test('an import file with an unknown column is refused whole', async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const csv = 'username,name,email,colour\r\n'
    + `csv-x-${suffix},X,csv-x-${suffix}@example.com,blue\r\n`;
  await signIn(page, '#/users');
  await page.getByRole('button', { name: 'Import CSV' }).click();
  const panel = page.getByRole('region', { name: 'Import users from CSV' });
  await panel.getByLabel('CSV file').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await panel.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(panel.getByLabel('CSV file')).toHaveAccessibleDescription(/Unknown column: colour\. Nothing was imported\./);
  expect(await status(request, `/users/csv-x-${suffix}`)).toBe(404);
});

test('export every page of the current filter as CSV', async ({ page, request }) => {
  await signIn(page, '#/users?sort=-bytes_stored');
  // Small pages, so that the export has to fetch several of them.
  await page.evaluate(async () => {
    const m = await import(new URL('js/pages/users-csv.js', globalThis.document.baseURI).href);
    m.exportOptions.pageSize = 40;
  });
  const pages = [];
  page.on('request', (r) => { if (/\/users\/\?.*limit=40/.test(r.url())) pages.push(r.url()); });

  const total = (await apiGet(request, '/users/?action=user_count')).user_count;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^users-\d{8}-\d{4}\.csv$/);
  const rows = parseCsv(await readFile(await download.path(), 'utf8'));
  expect([...rows[0]]).toEqual(['username', 'name', 'email', 'group', 'plan', 'bonus_bytes', 'enabled', 'purgehold_active',
    'promo', 'bytes_stored', 'storage_bytes', 'num_devices', 'num_shares', 'creation_time', 'last_login', 'avatar_id']);
  expect(rows.length - 1).toBe(total);
  expect(pages.length).toBe(Math.ceil((total + 1) / 40));
  const top = await apiGet(request, '/users/?limit=5&order_by=-bytes_stored');
  expect(rows.slice(1, 6).map((r) => r[0])).toEqual(top.map((u) => u.username));
  expect(new Set(rows.slice(1).map((r) => r[15])).size).toBe(total);
  await expect(page.getByRole('status').filter({ hasText: `Exported ${total.toLocaleString('en-US')} users to` })).toBeVisible();

  // A filter: only the disabled users, as the API counts them.
  await page.getByRole('search', { name: 'Search and filter users' }).getByLabel('Disabled only').check();
  await expect(page).toHaveURL(/disabled=1/);
  const disabled = (await apiGet(request, '/users/?search_by=enabled%3D0&action=user_count')).user_count;
  const [filtered] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(filtered.suggestedFilename()).toMatch(/^users-filtered-/);
  const frows = parseCsv(await readFile(await filtered.path(), 'utf8'));
  expect(frows.length - 1).toBe(disabled);
  for (const r of frows.slice(1)) expect(r[6]).toBe('false');
  await checkA11y(page, 'users after an export');
});
