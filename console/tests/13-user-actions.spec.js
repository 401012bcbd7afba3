// Users: inline group change on the table; on a user's page bonus space, purge hold, the
// activation email, and devices with their client revision and last backup.
import { test, expect, apiGet, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

const usersTable = (page) => page.getByRole('table', { name: /^Users, sorted by/ });

test('change a user\'s group inline on the users table', async ({ page, request }) => {
  const groups = await apiGet(request, '/groups/');
  const plans = await apiGet(request, '/plans');
  test.skip(groups.length < 2, 'the demo data has one group');
  const planOf = (g) => plans.find((p) => p.plan_id === g.plan_id);
  const [user] = await apiGet(request, '/users/?limit=1&offset=40&order_by=username');
  // A group whose plan holds what the user stores: no confirmation is asked.
  const target = groups.find((g) => g.group_id !== user.group_id && planOf(g).storage_bytes + user.bonus_bytes >= user.bytes_stored);
  test.skip(!target, 'no other group has room for the user');

  await signIn(page, `#/users?q=${encodeURIComponent(user.username)}`);
  const select = usersTable(page).getByRole('combobox', { name: `Group of ${user.username}` });
  await expect(select).toHaveValue(String(user.group_id));
  await checkA11y(page, 'users with group selects');
  await select.selectOption(String(target.group_id));
  await expect(page.getByRole('status').filter({ hasText: `${user.username} moved to ${target.name}.` })).toBeAttached();
  await expect.poll(async () => (await apiGet(request, `/users/${user.username}`)).group_id).toBe(target.group_id);
  const moved = await apiGet(request, `/users/${user.username}`);
  expect(moved.plan_id).toBe(target.plan_id); // joining a group gives its plan (B.3)
  const row = usersTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: user.username }) });
  await expect(row.getByRole('cell', { name: planOf(target).name, exact: true })).toBeVisible();
  await expect(select).toHaveValue(String(target.group_id));

  // Back again, by keyboard.
  await select.focus();
  await select.selectOption(String(user.group_id));
  await expect.poll(async () => (await apiGet(request, `/users/${user.username}`)).group_id).toBe(user.group_id);
  await expectAudit(page, { action: 'user.update', object: `user/${user.avatar_id}`, text: 'group_id' });
});

test('a move into a plan smaller than what the user stores asks first', async ({ page, request }) => {
  const groups = await apiGet(request, '/groups/');
  const plans = await apiGet(request, '/plans');
  const small = groups.map((g) => ({ g, p: plans.find((p) => p.plan_id === g.plan_id) })).sort((x, y) => x.p.storage_bytes - y.p.storage_bytes)[0];
  const [candidate] = await apiGet(request, '/users/?limit=1&order_by=-bytes_stored&search_by=bonus_bytes%3D0');
  test.skip(!candidate || candidate.group_id === small.g.group_id || candidate.bytes_stored <= small.p.storage_bytes,
    'the demo data has no user storing more than the smallest plan');
  await signIn(page, `#/users?q=${encodeURIComponent(candidate.username)}`);
  const select = usersTable(page).getByRole('combobox', { name: `Group of ${candidate.username}` });
  await select.selectOption(String(small.g.group_id));
  const dialog = page.getByRole('dialog', { name: `Move ${candidate.username} to ${small.g.name}?` });
  await expect(dialog).toBeVisible();
  await checkA11y(page, 'move confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(select).toHaveValue(String(candidate.group_id));
  expect((await apiGet(request, `/users/${candidate.username}`)).group_id).toBe(candidate.group_id);
});

test('bonus space, purge hold and the activation email on a user\'s page', async ({ page, request }) => {
  const [user] = await apiGet(request, '/users/?limit=1&offset=41&order_by=username&search_by=purgehold_active%3D0');
  await signIn(page, `#/users/${encodeURIComponent(user.email)}`);
  await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();

  // Bonus space: a size that is not one is refused beside the field; a size in GB is saved in bytes.
  const form = page.getByRole('form', { name: 'Edit' });
  const bonus = form.getByLabel('Bonus space (bytes)');
  await bonus.fill('lots');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(bonus).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="bonus_bytes"] .field-error')).toContainText(/bonus_bytes/i);
  expect((await apiGet(request, `/users/${user.username}`)).bonus_bytes).toBe(user.bonus_bytes);
  const want = user.bonus_bytes === 7e9 ? 8e9 : 7e9;
  await bonus.fill(`${want / 1e9} GB`);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(bonus).toHaveValue(String(want));
  expect((await apiGet(request, `/users/${user.username}`)).bonus_bytes).toBe(want);
  const details = page.getByRole('region', { name: 'Details' });
  await expect(details).toContainText(`${want / 1e9}.00 GB`);

  // Purge hold: a switch, applied at once.
  const hold = page.getByRole('region', { name: 'Purge hold' }).getByRole('switch', { name: 'Purge hold' });
  await expect(hold).not.toBeChecked();
  await hold.press('Space');
  await expect(hold).toBeChecked();
  await expect.poll(async () => (await apiGet(request, `/users/${user.username}`)).purgehold_active).toBe(true);
  await expect(details.getByRole('definition').filter({ hasText: 'Active' })).toBeVisible();

  // The activation email: the API answers {} and records it.
  const activation = page.getByRole('form', { name: 'Activation email' });
  await activation.getByLabel('Template name (optional)').fill('welcome');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('action=sendactivationemail')),
    activation.getByRole('button', { name: 'Send activation email' }).click(),
  ]);
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toEqual({});
  await expect(activation.getByRole('status')).toHaveText(`Activation email queued for ${user.email}.`);
  await checkA11y(page, 'user actions');
  await screenshot(page, 'user-actions');

  // Each change is in the audit log.
  await expectAudit(page, { action: 'activation_email.create', text: user.email });
  await expectAudit(page, { action: 'user.update', object: `user/${user.avatar_id}`, text: 'purgehold_active' });
  await expectAudit(page, { action: 'user.update', object: `user/${user.avatar_id}`, text: 'bonus_bytes' });

  // And off again.
  await page.goto(`/console/#/users/${encodeURIComponent(user.email)}`);
  await page.getByRole('region', { name: 'Purge hold' }).getByRole('switch', { name: 'Purge hold' }).press('Space');
  await expect.poll(async () => (await apiGet(request, `/users/${user.username}`)).purgehold_active).toBe(false);
});

test('devices show their client revision and last backup', async ({ page, request }) => {
  const [user] = await apiGet(request, '/users/?limit=1&order_by=-num_devices');
  test.skip(!user || !user.num_devices, 'the demo data has no devices');
  const devices = await apiGet(request, `/users/${user.username}/devices`);
  await signIn(page, `#/users/${encodeURIComponent(user.email)}`);
  const region = page.getByRole('region', { name: `Devices (${devices.length})` });
  const table = region.getByRole('table', { name: `Devices of ${user.username}` });
  await expect(table.getByRole('columnheader')).toHaveText(['Name', 'Client revision', 'Created', 'Last login', 'Last complete backup']);
  for (const d of devices) {
    const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: d.name, exact: true }) });
    await expect(row.getByRole('cell').first()).toHaveText(String(d.client_revision));
    const last = d.last_backup_complete ? `${new Date(d.last_backup_complete * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'Never';
    await expect(row.getByRole('cell').last()).toHaveText(last);
  }
  await checkA11y(page, 'user devices');
});
