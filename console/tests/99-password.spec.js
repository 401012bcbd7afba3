// Change the password (A.5): it ends every session, the old password stops working, the new one
// signs in. Runs last (it signs everything out) and puts the original password back.
import { test, expect, signIn, checkA11y, screenshot, USERNAME, PASSWORD, API } from './helpers.js';

const NEW_PASSWORD = `${PASSWORD}-changed-${Date.now().toString(36)}`;

function basic(password) {
  return { Authorization: `Basic ${Buffer.from(`${USERNAME}:${password}`).toString('base64')}` };
}

async function status(request, password) {
  return (await request.get(`${API}/partner/info`, { headers: basic(password) })).status();
}

test('change the password: back to sign-in, the old one fails, the new one works', async ({ page, request }) => {
  expect(PASSWORD, 'CONSOLE_PASSWORD is set').not.toBe('');
  let changed = false;
  try {
    await signIn(page);
    await page.getByRole('banner').getByRole('link', { name: 'Change password' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Change password' })).toBeVisible();
    const form = page.getByRole('form', { name: 'Change password' });
    const pw = form.getByLabel('New password', { exact: true });
    const confirm = form.getByLabel('Confirm the new password');
    const submit = form.getByRole('button', { name: 'Change password' });
    await checkA11y(page, 'change password');
    await screenshot(page, 'password');

    // Checked here first: too short, then two different passwords; nothing is sent.
    await pw.fill('short');
    await confirm.fill('short');
    await submit.click();
    await expect(pw).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator('[data-field="password"] .field-error')).toHaveText('The password must have at least 8 characters.');
    await pw.fill(NEW_PASSWORD);
    await confirm.fill(`${NEW_PASSWORD}x`);
    await submit.click();
    await expect(confirm).toHaveAttribute('aria-invalid', 'true');
    await expect(confirm).toBeFocused();
    await expect(form.locator('[data-field="confirm"] .field-error')).toContainText('The two passwords differ');
    await expect(pw).not.toHaveAttribute('aria-invalid', 'true');
    await checkA11y(page, 'change password with an error');
    expect(await status(request, PASSWORD)).toBe(200);

    await confirm.fill(NEW_PASSWORD);
    await submit.click();
    const signin = page.getByRole('form', { name: 'Sign in' });
    await expect(signin).toBeVisible();
    changed = true;
    await expect(page.getByRole('status').filter({ hasText: 'Your password was changed and every session was signed out.' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
    await expect(page).toHaveURL(/#\/overview$/);
    expect(await status(request, PASSWORD)).toBe(401);
    expect(await status(request, NEW_PASSWORD)).toBe(200);
    // The server ended the session: the cookie no longer works.
    expect((await page.request.get('/console/session')).status()).toBe(401);

    // The old password fails in the page, the new one signs in.
    await signin.getByLabel('Username').fill(USERNAME);
    await signin.getByLabel('Password').fill(PASSWORD);
    await signin.getByRole('button', { name: 'Sign in' }).click();
    await expect(signin.getByRole('alert')).toHaveText('Wrong username or password.');
    await signin.getByLabel('Password').fill(NEW_PASSWORD);
    await signin.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Change password');
  } finally {
    if (changed) {
      // Put the original password back for whatever runs next on this database.
      const res = await request.post(`${API}/partner/password`, {
        headers: { ...basic(NEW_PASSWORD), 'Content-Type': 'application/json' },
        data: JSON.stringify(PASSWORD),
      });
      expect(res.status(), 'the original password is restored').toBe(200);
    }
  }
  expect(await status(request, PASSWORD)).toBe(200);
  expect(await status(request, NEW_PASSWORD)).toBe(401);
});
