// Users: sort by clicking headers, page, search and filter, create (with a conflict first),
// enable/disable inline, delete with confirmation; each change read back in the audit log.
import { test, expect, apiGet, basicAuth, API, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

const usersTable = (page) => page.getByRole('table', { name: /^Users, sorted by/ });
const firstColumn = (page) => usersTable(page).locator('tbody tr th[scope="row"]');

test('sort by clicking column headers and page through the table', async ({ page, request }) => {
  await signIn(page, '#/users');
  const table = usersTable(page);
  await expect(table.getByRole('columnheader', { name: /Username/ })).toHaveAttribute('aria-sort', 'ascending');
  const first = await apiGet(request, '/users/?limit=25&order_by=username');
  await expect(firstColumn(page)).toHaveText(first.map((u) => u.username));
  await checkA11y(page, 'users');
  await screenshot(page, 'users');

  // Stored, ascending then descending, each as the API orders it.
  const stored = table.getByRole('columnheader', { name: /Stored/ });
  await stored.getByRole('button').click();
  await expect(stored).toHaveAttribute('aria-sort', 'ascending');
  await expect(table.getByRole('columnheader', { name: /Username/ })).toHaveAttribute('aria-sort', 'none');
  const asc = await apiGet(request, '/users/?limit=25&order_by=bytes_stored');
  await expect(firstColumn(page)).toHaveText(asc.map((u) => u.username));
  await stored.getByRole('button').press('Enter');
  await expect(stored).toHaveAttribute('aria-sort', 'descending');
  const desc = await apiGet(request, '/users/?limit=25&order_by=-bytes_stored');
  await expect(firstColumn(page)).toHaveText(desc.map((u) => u.username));
  await expect(page).toHaveURL(/sort=-bytes_stored/);

  // Next page, then back.
  const total = (await apiGet(request, '/users/?action=user_count')).user_count;
  const pager = page.getByRole('navigation', { name: 'Pages of users' });
  await expect(pager.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText(`Users 26–50 of ${total.toLocaleString('en-US')} (page 2 of`)).toBeVisible();
  const page2 = await apiGet(request, '/users/?limit=25&offset=25&order_by=-bytes_stored');
  await expect(firstColumn(page)).toHaveText(page2.map((u) => u.username));
  await expect(page).toHaveURL(/offset=25/);

  // Another page size, and a column sorted by a different type (dates).
  await pager.getByLabel('Rows per page').selectOption('50');
  await expect(firstColumn(page)).toHaveCount(Math.min(50, total));
  await table.getByRole('columnheader', { name: /Last login/ }).getByRole('button').click();
  const byLogin = await apiGet(request, '/users/?limit=50&order_by=last_login');
  await expect(firstColumn(page)).toHaveText(byLogin.map((u) => u.username));

  // The state is in the URL: a reload keeps it.
  await page.reload();
  await expect(usersTable(page).getByRole('columnheader', { name: /Last login/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstColumn(page)).toHaveText(byLogin.map((u) => u.username));
});

test('search and filters', async ({ page, request }) => {
  await signIn(page, '#/users');
  const search = page.getByRole('search', { name: 'Search and filter users' });
  await search.getByLabel('Search').fill('user000001');
  const found = await apiGet(request, '/users/?search=user000001&action=user_count');
  await expect(page.getByText(new RegExp(`^Users 1–\\d+ of ${found.user_count} `))).toBeVisible();
  for (const name of await firstColumn(page).allTextContents()) expect(name).toContain('user000001');
  await search.getByLabel('Search').fill('');
  await search.getByLabel('Disabled only').check();
  const disabled = await apiGet(request, '/users/?search_by=enabled%3D0&action=user_count');
  await expect(page.getByText(new RegExp(`of ${disabled.user_count} \\(page 1`))).toBeVisible();
  const switches = usersTable(page).getByRole('switch');
  expect(await switches.count()).toBeGreaterThan(0);
  for (const s of await switches.all()) await expect(s).not.toBeChecked();
  await search.getByLabel('Disabled only').uncheck();
  await search.getByLabel('Stopped backing up over (days)').fill('30');
  await search.getByLabel('Stopped backing up over (days)').press('Enter');
  const stopped = await apiGet(request, `/users/?search_by=${encodeURIComponent(`recently_stopped_uploading=${30 * 86400}|${100 * 365 * 86400}`)}&action=user_count`);
  await expect(page.getByText(stopped.user_count ? new RegExp(`of ${stopped.user_count} \\(page 1`) : /^No users match\.$/).first()).toBeVisible();
  await search.getByLabel('Purge hold only').check();
  await expect(page).toHaveURL(/purgehold=1/);
  await expect(page).toHaveURL(/stopped=30/);
});

test('create a user (a taken username first), disable it, delete it', async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const username = `console-${suffix}`;
  const email = `console-${suffix}@example.com`;
  const [taken] = await apiGet(request, '/users/?limit=1&order_by=username');
  await signIn(page, '#/users');
  await page.getByRole('button', { name: 'New user' }).click();
  const dialog = page.getByRole('dialog', { name: 'New user' });
  await expect(dialog.getByLabel('Username')).toBeFocused();
  await dialog.getByLabel('Username').fill(taken.username);
  await dialog.getByLabel('Full name').fill('Console Test');
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByLabel('Group').selectOption({ index: 1 });
  await dialog.getByRole('button', { name: 'Create user' }).click();
  // The 409 names the username: its message sits beside that field.
  await expect(dialog.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.locator('[data-field="username"] .field-error')).toBeVisible();
  await expect(dialog.getByLabel('Email')).not.toHaveAttribute('aria-invalid', 'true');
  await checkA11y(page, 'new user dialog with an error');
  await screenshot(page, 'users-new');
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Created user ${username}.`)).toBeVisible();
  await expect(page.getByText('Temporary password (shown only now)')).toBeVisible();
  await expect(firstColumn(page)).toHaveText([username]);
  const created = await apiGet(request, `/users/${encodeURIComponent(username)}`);
  expect(created.email).toBe(email);

  // Inline disable.
  const toggle = usersTable(page).getByRole('switch', { name: `Enabled: ${username}` });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect.poll(async () => (await apiGet(request, `/users/${encodeURIComponent(username)}`)).enabled).toBe(false);

  // Delete: cancel first, then confirm.
  await page.getByRole('button', { name: `Delete ${username}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete ${username}?` });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await checkA11y(page, 'delete confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  expect((await request.get(`${API}/users/${encodeURIComponent(username)}`, { headers: basicAuth() })).status()).toBe(200);
  await page.getByRole('button', { name: `Delete ${username}` }).click();
  await confirm.getByRole('button', { name: 'Delete user' }).click();
  await expect(page.getByText('No users match.').first()).toBeVisible();
  expect((await request.get(`${API}/users/${encodeURIComponent(username)}`, { headers: basicAuth() })).status()).toBe(404);

  // Each change is in the audit log.
  const object = `user/${created.avatar_id}`;
  await expectAudit(page, { action: 'user.create', object, text: email });
  await expectAudit(page, { action: 'user.update', object, text: 'enabled' });
  await expectAudit(page, { action: 'user.delete', object, text: username });
});
