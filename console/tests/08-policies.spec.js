// Device policies: the editor generated from /devicepreferences; a child key appears once its
// parent has the value it needs, a child policy's key inherits, and a 400 is shown beside its field.
import { test, expect, apiGet, basicAuth, API, signIn, checkA11y, screenshot, expectAudit } from './helpers.js';

const suffix = () => String(Date.now() % 1000000);

async function createPolicy(request, data) {
  const res = await request.post(`${API}/devicepolicies/`, { headers: basicAuth(), data });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

/** Manage a preference (mode: set, --unset--, --inherit-- or '' for not managed). */
async function manage(form, name, mode) {
  await form.getByLabel(`Manage ${name}`, { exact: true }).selectOption(mode);
}

test('edit a policy with a child key', async ({ page, request }) => {
  const name = `Laptops ${suffix()}`;
  await signIn(page, '#/policies');
  await expect(page.getByRole('heading', { level: 1, name: 'Device policies' })).toBeVisible();
  await checkA11y(page, 'policies');

  // Create from the list: the console opens the new policy's editor.
  const create = page.getByRole('form', { name: 'New policy' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create policy' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const id = Number(/#\/policies\/(\d+)$/.exec(page.url())[1]);
  expect(await apiGet(request, `/devicepolicies/${id}`)).toEqual({ id, name, inherits_from: null, policy: {} });

  const form = page.getByRole('form', { name: 'Device policy' });
  const host = form.getByLabel('Manage HttpProxyHost', { exact: true });
  await expect(host).toBeHidden();
  await manage(form, 'HttpProxyEnabled', 'set');
  await expect(host).toBeHidden(); // managed, but off: its children do not apply
  await form.getByLabel('HttpProxyEnabled', { exact: true }).check();
  await expect(host).toBeVisible();
  await manage(form, 'HttpProxyHost', 'set');
  await form.getByLabel('HttpProxyHost', { exact: true }).fill('proxy.example.com');
  await manage(form, 'HttpProxyPort', 'set');
  await form.getByLabel('HttpProxyPort', { exact: true }).fill('3128');

  // Two levels: the selection type's children follow its value.
  await manage(form, 'macBackupSelectionEnabled', 'set');
  await form.getByLabel('macBackupSelectionEnabled', { exact: true }).check();
  await manage(form, 'macBackupSelectionType', 'set');
  await form.getByLabel('macBackupSelectionType', { exact: true }).selectOption('advanced');
  await expect(form.getByLabel('Manage macBasicBackupSelectionDesktop', { exact: true })).toBeHidden();
  await manage(form, 'macAdvancedBackupSelectionSelected', 'set');
  await form.getByLabel('macAdvancedBackupSelectionSelected', { exact: true }).fill('$HOME/Documents\n$HOME/Projects\n');
  await checkA11y(page, 'policy editor');
  await page.getByRole('heading', { level: 2, name: 'Network' }).evaluate((el) => el.scrollIntoView());
  await screenshot(page, 'policy');

  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved policy ${name}.` })).toBeAttached();
  expect((await apiGet(request, `/devicepolicies/${id}`)).policy).toEqual({
    HttpProxyEnabled: true, HttpProxyHost: 'proxy.example.com', HttpProxyPort: 3128,
    macBackupSelectionEnabled: true, macBackupSelectionType: 'advanced',
    macAdvancedBackupSelectionSelected: ['$HOME/Documents', '$HOME/Projects'],
  });

  // The parent off again: its children are hidden and no longer sent.
  await form.getByLabel('HttpProxyEnabled', { exact: true }).uncheck();
  await expect(host).toBeHidden();
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect.poll(async () => (await apiGet(request, `/devicepolicies/${id}`)).policy).toEqual({
    HttpProxyEnabled: false, macBackupSelectionEnabled: true, macBackupSelectionType: 'advanced',
    macAdvancedBackupSelectionSelected: ['$HOME/Documents', '$HOME/Projects'],
  });
  // A reload shows what is stored.
  await page.reload();
  await expect(page.getByLabel('macAdvancedBackupSelectionSelected', { exact: true })).toHaveValue('$HOME/Documents\n$HOME/Projects');
  await expect(page.getByLabel('HttpProxyEnabled', { exact: true })).not.toBeChecked();

  await expectAudit(page, { action: 'policy.update', object: `policy/${id}`, text: 'HttpProxyHost' });
});

test('a child policy inherits a key from its parent, or leaves one to the user', async ({ page, request }) => {
  const s = suffix();
  const parent = await createPolicy(request, { name: `Parent ${s}`, policy: { Autorun: true, DeletedItemsAutomaticPurge: 30 } });
  const child = await createPolicy(request, { name: `Child ${s}`, inherits_from: parent.id, policy: { EnablePreviews: true } });

  await signIn(page, '#/policies');
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: child.name, exact: true }) });
  await expect(row).toContainText(parent.name);
  await checkA11y(page, 'policies with a child policy');
  await screenshot(page, 'policies');

  // A top-level policy cannot inherit.
  await page.goto(`/console/#/policies/${parent.id}`);
  await expect(page.getByRole('heading', { level: 1, name: parent.name })).toBeVisible();
  await expect(page.getByLabel('Manage Autorun', { exact: true }).locator('option[value="--inherit--"]')).toBeDisabled();

  await page.goto(`/console/#/policies/${child.id}`);
  await expect(page.getByRole('heading', { level: 1, name: child.name })).toBeVisible();
  const form = page.getByRole('form', { name: 'Device policy' });
  await expect(form.getByLabel('Inherits from')).toHaveValue(String(parent.id));
  await expect(form.getByLabel('EnablePreviews', { exact: true })).toBeChecked();
  const autorun = form.getByLabel('Manage Autorun', { exact: true });
  await expect(autorun.locator('option[value="--inherit--"]')).toHaveText(`Inherit from ${parent.name} (on)`);
  await manage(form, 'Autorun', '--inherit--');
  await manage(form, 'DeletedItemsAutomaticPurge', '--inherit--');
  await manage(form, 'EnablePreviews', '--unset--');
  await expect(form.getByLabel('EnablePreviews', { exact: true })).toBeHidden();
  await checkA11y(page, 'child policy');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved policy ${child.name}.` })).toBeAttached();
  expect(await apiGet(request, `/devicepolicies/${child.id}`)).toEqual({
    id: child.id, name: child.name, inherits_from: parent.id,
    policy: { Autorun: '--inherit--', DeletedItemsAutomaticPurge: '--inherit--', EnablePreviews: '--unset--' },
  });
});

test('a refused value is explained beside its field', async ({ page, request }) => {
  const policy = await createPolicy(request, { name: `Proxy ${suffix()}` });
  await signIn(page, `#/policies/${policy.id}`);
  const form = page.getByRole('form', { name: 'Device policy' });
  await manage(form, 'HttpProxyEnabled', 'set');
  await form.getByLabel('HttpProxyEnabled', { exact: true }).check();
  await manage(form, 'HttpProxyPort', 'set');
  const port = form.getByLabel('HttpProxyPort', { exact: true });
  await port.fill('eighty');
  await manage(form, 'DeletedItemsAutomaticPurge', '--unset--');
  await form.getByRole('button', { name: 'Save policy' }).click();

  await expect(port).toHaveAttribute('aria-invalid', 'true');
  await expect(port).toHaveAccessibleDescription(/policy\.HttpProxyPort must be an integer/);
  await expect(form.locator('[data-field="policy.HttpProxyPort"] .field-error')).toBeVisible();
  const purge = form.getByLabel('Manage DeletedItemsAutomaticPurge', { exact: true });
  await expect(purge).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="policy.DeletedItemsAutomaticPurge"] .field-error'))
    .toHaveText('policy.DeletedItemsAutomaticPurge must be managed; "--unset--" is not allowed for it');
  await expect(form.getByLabel('Manage Autorun', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await checkA11y(page, 'policy editor with errors');
  expect((await apiGet(request, `/devicepolicies/${policy.id}`)).policy).toEqual({});

  await port.fill('8080');
  await manage(form, 'DeletedItemsAutomaticPurge', 'set');
  await form.getByLabel('DeletedItemsAutomaticPurge', { exact: true }).fill('90');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved policy' })).toBeAttached();
  await expect(port).not.toHaveAttribute('aria-invalid', 'true');
  expect((await apiGet(request, `/devicepolicies/${policy.id}`)).policy)
    .toEqual({ HttpProxyEnabled: true, HttpProxyPort: 8080, DeletedItemsAutomaticPurge: 90 });
});

test('a group takes a policy on the groups page; a policy in use cannot be deleted', async ({ page, request }) => {
  const policy = await createPolicy(request, { name: `In use ${suffix()}`, policy: { Autorun: false } });
  const [group] = await apiGet(request, '/groups/');
  await signIn(page, '#/groups');
  await page.getByRole('button', { name: `Edit ${group.name}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${group.name}` });
  await edit.getByLabel('Device policy').selectOption(String(policy.id));
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: group.name, exact: true }) })
    .getByRole('link', { name: policy.name })).toBeVisible();
  expect((await apiGet(request, `/groups/${group.group_id}`)).device_policy).toBe(policy.id);

  await page.goto('/console/#/policies');
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: policy.name, exact: true }) });
  await expect(row).toContainText(group.name);
  await row.getByRole('button', { name: `Delete ${policy.name}` }).click();
  await page.getByRole('dialog', { name: `Delete ${policy.name}?` }).getByRole('button', { name: 'Delete policy' }).click();
  await expect(page.getByRole('alert')).toContainText('a group uses this policy');
  expect((await apiGet(request, `/devicepolicies/${policy.id}`)).name).toBe(policy.name);

  // Free, it goes.
  const res = await request.post(`${API}/groups/${group.group_id}`, { headers: basicAuth(), data: { device_policy: null } });
  expect(res.status()).toBe(200);
  await page.reload();
  await row.getByRole('button', { name: `Delete ${policy.name}` }).click();
  await page.getByRole('dialog', { name: `Delete ${policy.name}?` }).getByRole('button', { name: 'Delete policy' }).click();
  await expect(row).toHaveCount(0);
  expect((await request.get(`${API}/devicepolicies/${policy.id}`, { headers: basicAuth() })).status()).toBe(404);
  await expectAudit(page, { action: 'policy.delete', object: `policy/${policy.id}`, text: policy.name });
});
