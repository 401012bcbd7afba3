// Shared steps of the console's browser tests.
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tests' `test`: every page must run without an uncaught error and without anything the
 * Content-Security-Policy refuses (an inline style or script would show up here).
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    });
    await use(page);
    expect(problems, 'errors in the page').toEqual([]);
  },
});
export { expect };

export const USERNAME = process.env.CONSOLE_USERNAME || 'demo';
export const PASSWORD = process.env.CONSOLE_PASSWORD || '';
export const API = '/apis/accounts/v1';
// Where screenshots go: console/test-results/screenshots (not tracked), or the folder
// CONSOLE_SCREENSHOTS names (scripts/console-test --screenshots sets docs/console). The pages
// show dates and counts of the run, so a test run must not rewrite the documented images.
const SHOTS = process.env.CONSOLE_SCREENSHOTS
  ? path.resolve(process.env.CONSOLE_SCREENSHOTS)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-results/screenshots');

export function basicAuth() {
  return { Authorization: `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}` };
}

/** GET an API path with the partner's Basic credentials (for test set-up and checks). */
export async function apiGet(request, p) {
  const res = await request.get(API + p, { headers: basicAuth() });
  expect(res.status(), `GET ${p}`).toBe(200);
  return res.json();
}

export async function signIn(page, hash = '#/overview') {
  await page.goto(`/console/${hash}`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Username').fill(USERNAME);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** No serious or critical accessibility violations on the page as it is now. */
export async function checkA11y(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
  expect(bad, `axe on ${what}:\n${report}`).toEqual([]);
}

/** A screenshot of the viewport (1280×900) into <SHOTS>/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => globalThis.document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false, animations: 'disabled', caret: 'hide' });
}

/** Open the audit page filtered by action (and object) and expect an entry row containing text. */
export async function expectAudit(page, { action, object, text }) {
  await page.goto('/console/#/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').selectOption(action);
  if (object) await filters.getByLabel('Object').fill(object);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: action, exact: true }) }).filter({ hasText: text });
  await expect(row.first()).toBeVisible();
  return row.first();
}
