// Sign in (a wrong password, then the right one), the throttled message, sign out.
import { test, expect, USERNAME, PASSWORD, signIn, checkA11y, screenshot } from './helpers.js';

test('a wrong password is refused, then the right one signs in', async ({ page }) => {
  await page.goto('/console/');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await checkA11y(page, 'sign in');
  await screenshot(page, 'signin');

  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Username').fill(USERNAME);
  await form.getByLabel('Password').fill(`${PASSWORD}-wrong`);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(form.getByLabel('Password')).toBeFocused();
  await expect(form.getByLabel('Password')).toHaveValue('');
  await checkA11y(page, 'sign in with an error');

  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByLabel('Password').press('Enter');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL(/#\/overview$/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText(`Signed in as ${USERNAME}`, { exact: true })).toBeVisible();
});

test('an empty form names the missing fields', async ({ page }) => {
  await page.goto('/console/');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByLabel('Username')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Username')).toHaveAccessibleDescription('Enter your username.');
  await expect(form.getByLabel('Password')).toHaveAccessibleDescription('Enter your password.');
  await expect(form.getByLabel('Username')).toBeFocused();
});

test('a throttled sign-in says how long to wait', async ({ page }) => {
  // The server's throttle needs ten failures; the answer it then gives is played here.
  await page.route('**/console/session', (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 429, headers: { 'Retry-After': '42' }, contentType: 'application/json', body: JSON.stringify({ reason: 'too many failed logins' }) })
    : route.fallback()));
  await page.goto('/console/');
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Username').fill(USERNAME);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(form.getByRole('alert')).toContainText('Too many failed sign-ins. Wait 42 seconds');
  await expect(form.getByRole('button', { name: 'Sign in' })).toBeDisabled();
});

test('signing out returns to sign-in, and a reload stays there', async ({ page }) => {
  await signIn(page, '#/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Signed out.' })).toBeAttached();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  // The old session no longer opens the API.
  const res = await page.request.get('/apis/accounts/v1/partner/quota', {
    headers: { 'X-Requested-With': 'accountsd-console' },
  });
  expect(res.status()).toBe(401);
  expect(res.headers()['www-authenticate']).toBeUndefined();
});

test('a session that ends sends the console back to sign-in', async ({ page, context }) => {
  await signIn(page, '#/overview');
  await context.clearCookies();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await signIn(page, '#/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
});

test('the console is served with its CSP and its first load stays under 200 KB', async ({ page }) => {
  let total = 0;
  const sizes = [];
  page.on('response', async (res) => {
    const body = await res.body().catch(() => Buffer.alloc(0));
    total += body.length;
    sizes.push(`${new URL(res.url()).pathname} ${body.length}`);
  });
  const res = await page.goto('/console/');
  const csp = res.headers()['content-security-policy'] || '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(total, sizes.join('\n')).toBeLessThan(200 * 1024);
  // No inline script, handler or style attribute anywhere in the served markup.
  const html = await (await page.request.get('/console/')).text();
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
});

test('keyboard only: skip link, navigation, sorting', async ({ page }) => {
  await signIn(page);
  await page.goto('/console/#/users');
  await page.reload(); // a fresh load: focus starts at the top of the document
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/users$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeFocused();
  // From the heading, Tab reaches the page's controls in order.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'New user' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Search', { exact: true })).toBeFocused();
  const name = page.getByRole('columnheader', { name: /^Name/ });
  await name.getByRole('button').focus();
  await page.keyboard.press('Enter');
  await expect(name).toHaveAttribute('aria-sort', 'ascending');
  await expect(name.getByRole('button')).toBeFocused();
  // The navigation by keyboard moves focus to the new page's heading.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();
});
