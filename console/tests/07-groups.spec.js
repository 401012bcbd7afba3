// Groups: create (a duplicate name first), edit the plan with the over-quota confirmation that
// resends with force: true, delete a group moving its members; each change in the audit log.
import { test, expect, apiGet, basicAuth, API, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

const suffix = () => String(Date.now() % 1000000);

async function apiPost(request, p, data) {
  const res = await request.post(API + p, { headers: basicAuth(), data });
  expect(res.status(), `POST ${p}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

const groupsTable = (page) => page.getByRole('table', { name: 'Groups' });

test('create a group, then change its plan over the members\' quota: confirm and it is forced', async ({ page, request }) => {
  const plans = await apiGet(request, '/plans');
  const bySize = [...plans].sort((a, b) => a.storage_bytes - b.storage_bytes);
  const small = bySize[0];
  const big = bySize[bySize.length - 1];
  const [heavy] = await apiGet(request, '/users/?limit=1&order_by=-bytes_stored');
  test.skip(!heavy || heavy.bytes_stored <= small.storage_bytes, 'no user stores more than the smallest plan');
  const groups = await apiGet(request, '/groups/');
  const name = `Over quota ${suffix()}`;

  await signIn(page, '#/groups');
  await expect(page.getByRole('heading', { level: 1, name: 'Groups' })).toBeVisible();
  const table = groupsTable(page);
  await expect(table.locator('tbody tr')).toHaveCount(groups.length);
  const sales = groups[0];
  const salesCount = (await apiGet(request, `/users/?action=user_count&group_id=${sales.group_id}`)).user_count;
  await expect(table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: sales.name, exact: true }) }))
    .toContainText(String(salesCount));
  await checkA11y(page, 'groups');
  await screenshot(page, 'groups');

  // Create: a taken name is refused beside the Name field, then a new one is created.
  await page.getByRole('button', { name: 'New group' }).click();
  const dialog = page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Name').fill(sales.name);
  await dialog.getByLabel('Plan').selectOption(String(big.plan_id));
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.locator('[data-field="name"] .field-error')).toContainText(/name is already taken/i);
  await checkA11y(page, 'new group dialog with an error');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Web API enabled').uncheck();
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await expect(dialog).toBeHidden();
  await expect(table.getByRole('rowheader', { name, exact: true })).toBeVisible();
  const created = (await apiGet(request, `/groups/?search=${encodeURIComponent(name)}`)).find((g) => g.name === name);
  expect(created).toMatchObject({ plan_id: big.plan_id, webapi_enable: false, check_domain: false, device_policy: null });

  // A member who stores more than the small plan allows.
  await apiPost(request, `/users/${encodeURIComponent(heavy.username)}`, { group_id: created.group_id });
  await page.reload();
  const row = groupsTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');

  // Change the plan: the server refuses (409 avatars_over_quota); cancelling changes nothing.
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${name}` });
  await edit.getByLabel('Plan').selectOption(String(small.plan_id));
  await edit.getByRole('button', { name: 'Save changes' }).click();
  let confirm = page.getByRole('dialog', { name: 'Members are over the new quota' });
  await expect(confirm).toContainText('1 member(s) store more than the new plan allows');
  await checkA11y(page, 'over-quota confirmation');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit.getByLabel('Plan')).toHaveAttribute('aria-invalid', 'true');
  await expect(edit.locator('[data-field="plan_id"] .field-error')).toContainText('Not changed');
  expect((await apiGet(request, `/groups/${created.group_id}`)).plan_id).toBe(big.plan_id);

  // Again, confirmed: resent with force, the plan changes for the group and its member.
  await edit.getByRole('button', { name: 'Save changes' }).click();
  confirm = page.getByRole('dialog', { name: 'Members are over the new quota' });
  await confirm.getByRole('button', { name: 'Change the plan anyway' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Saved group ${name}.` })).toBeAttached();
  await expect(row.getByRole('cell').first()).toContainText(small.name);
  expect((await apiGet(request, `/groups/${created.group_id}`)).plan_id).toBe(small.plan_id);
  expect((await apiGet(request, `/users/${encodeURIComponent(heavy.username)}`)).plan_id).toBe(small.plan_id);

  await expectAudit(page, { action: 'group.create', object: `group/${created.group_id}`, text: name });
  const entry = await expectAudit(page, { action: 'group.update', object: `group/${created.group_id}`, text: 'plan_id' });
  await expect(entry).toContainText(`${big.plan_id} → ${small.plan_id}`);
});

test('delete a group: its members move to the group chosen', async ({ page, request }) => {
  const groups = await apiGet(request, '/groups/');
  const plans = await apiGet(request, '/plans');
  const name = `Leaving ${suffix()}`;
  const doomed = await apiPost(request, '/groups/', { name, plan_id: plans[0].plan_id, webapi_enable: true, check_domain: false });
  const movers = await apiGet(request, `/users/?limit=3&offset=40&order_by=username&group_id=${groups[0].group_id}`);
  for (const u of movers) await apiPost(request, `/users/${encodeURIComponent(u.username)}`, { group_id: doomed.group_id });
  const dest = groups[1];

  await signIn(page, '#/groups');
  const row = groupsTable(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row.getByRole('cell').nth(2)).toHaveText(String(movers.length));
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(dialog).toContainText(`has ${movers.length} member(s)`);
  await expect(dialog.getByLabel('Move the members to').locator('option')).toHaveCount(groups.length);
  await dialog.getByLabel('Move the members to').selectOption(String(dest.group_id));
  await checkA11y(page, 'delete group dialog');
  await dialog.getByRole('button', { name: 'Move members and delete' }).click();
  await expect(dialog).toBeHidden();
  await expect(groupsTable(page).getByRole('rowheader', { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `moved to ${dest.name}` })).toBeAttached();

  expect((await request.get(`${API}/groups/${doomed.group_id}`, { headers: basicAuth() })).status()).toBe(404);
  for (const u of movers) {
    const after = await apiGet(request, `/users/${encodeURIComponent(u.username)}`);
    expect(after.group_id).toBe(dest.group_id);
    expect(after.plan_id).toBe(dest.plan_id);
  }
  await expectAudit(page, { action: 'group.delete', object: `group/${doomed.group_id}`, text: name });
});
