// Billing (A.3, A.4): invoice details; in prepaid mode a card accepted, a card refused with the
// processor's reason, a bad field beside its field; the audit entry holds no card number.
import { execFileSync } from 'node:child_process';
import { test, expect, apiGet, signIn, checkA11y, screenshot, expectAudit, USERNAME, API, basicAuth } from './helpers.js';

const BIN = process.env.CONSOLE_ACCOUNTSD_BIN;
const DB = process.env.CONSOLE_DB;
const ACCEPTED = '4242424242424242'; // a valid Visa number the sandbox approves
const DECLINED = '4000000000000002'; // the sandbox's "05 Do Not Honor" (src/billing/sandbox_card_processor.cpp)
const YEAR = new Date().getUTCFullYear() + 3;

/** The billing mode is the operator's (A.11): set it with the CLI on the server's database. */
function setMode(mode) {
  expect(BIN && DB, 'scripts/console-test passes CONSOLE_ACCOUNTSD_BIN and CONSOLE_DB').toBeTruthy();
  execFileSync(BIN, ['partner', 'set', USERNAME, '--billing', mode, '--db', DB], { stdio: 'pipe' });
}

async function fillAddress(form, { name, country = 'us' }) {
  await form.getByLabel(/^Name on the/).fill(name);
  await form.getByLabel('Address').fill('1 Speed Way\nSuite 103');
  await form.getByLabel('City', { exact: true }).fill('Sitka');
  await form.getByLabel('State or province').fill('AK');
  await form.getByLabel('Postal code').fill('99835');
  await form.getByLabel('Country').fill(country);
}

test.afterAll(() => {
  if (BIN && DB) setMode('invoice');
});

test('invoice billing: a bad country is shown beside it, then the details are saved', async ({ page, request }) => {
  setMode('invoice');
  await signIn(page, '#/billing');
  await expect(page.getByRole('heading', { level: 1, name: 'Billing' })).toBeVisible();
  const current = page.getByRole('region', { name: 'Current billing' });
  await expect(current.getByRole('definition').first()).toHaveText('Invoice');
  const form = page.getByRole('form', { name: 'Invoice details' });
  await expect(form.getByLabel('Card number')).toHaveCount(0);
  await checkA11y(page, 'billing (invoice)');

  await fillAddress(form, { name: 'Internet Widgets, Inc.', country: 'ZZ' });
  await form.getByRole('button', { name: 'Save billing details' }).click();
  const country = form.getByLabel('Country');
  await expect(country).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="country"] .field-error')).toContainText(/country must be an assigned ISO 3166-1/i);
  await expect(country).toBeFocused();
  await expect(form.getByLabel('City', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  expect((await apiGet(request, '/partner/billing')).name).not.toBe('Internet Widgets, Inc.');

  await country.fill('us');
  await form.getByRole('button', { name: 'Save billing details' }).click();
  await expect(page.locator('.notice')).toHaveText('Billing details saved.');
  await expect(country).not.toHaveAttribute('aria-invalid', 'true');
  const saved = await apiGet(request, '/partner/billing');
  expect(saved).toMatchObject({ billing_mode: 'invoice', name: 'Internet Widgets, Inc.', address: ['1 Speed Way', 'Suite 103'], city: 'Sitka', state: 'AK', postal_code: '99835', country: 'US', card: null });
  await expect(current).toContainText('Internet Widgets, Inc.');
  await expect(current).toContainText('US');
});

test('prepaid billing: a refused card, a bad field, an accepted card, and the audit entry', async ({ page, request }) => {
  setMode('prepaid');
  const before = await apiGet(request, '/partner/billing');
  expect(before.billing_mode).toBe('prepaid');
  await signIn(page, '#/billing');
  const form = page.getByRole('form', { name: 'Billing address and card' });
  await expect(form).toBeVisible();
  const number = form.getByLabel('Card number');
  const code = form.getByLabel('Security code');
  async function fillCard(n, csc = '123') {
    await number.fill(n);
    await form.getByLabel('Expiry month').selectOption('12');
    await form.getByLabel('Expiry year').fill(String(YEAR));
    await code.fill(csc);
  }
  const submit = form.getByRole('button', { name: 'Save and check the card' });
  await fillAddress(form, { name: 'Acme Internet Services, Ltd.' });
  await checkA11y(page, 'billing (prepaid)');

  // Refused by the processor: its reason and code, nothing changed, no card data left.
  await fillCard(DECLINED);
  await submit.click();
  await expect(form.getByRole('alert')).toHaveText(/The card was refused: Do Not Honor \(processor code 05\)/);
  await expect(number).toHaveValue('');
  await expect(code).toHaveValue('');
  expect(await apiGet(request, '/partner/billing')).toEqual(before);

  // A malformed number: beside the card number.
  await fillCard('1234-5678');
  await submit.click();
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('[data-field="card_number"] .field-error')).toContainText(/card_number must be 12 to 19 digits/i);
  await expect(number).toHaveValue('');
  await checkA11y(page, 'billing with a card error');

  // Accepted.
  await fillCard(`${ACCEPTED.slice(0, 4)} ${ACCEPTED.slice(4, 8)} ${ACCEPTED.slice(8, 12)} ${ACCEPTED.slice(12)}`);
  await submit.click();
  await expect(page.locator('.notice')).toContainText(`the card was accepted (Visa ending in 4242, expires 12/${YEAR})`);
  await expect(number).toHaveValue('');
  await expect(code).toHaveValue('');
  await expect(form.locator('[aria-invalid="true"]')).toHaveCount(0);
  const after = await apiGet(request, '/partner/billing');
  expect(after).toMatchObject({ billing_mode: 'prepaid', name: 'Acme Internet Services, Ltd.', country: 'US', card: { brand: 'visa', last4: '4242', expiration_month: 12, expiration_year: YEAR } });
  await expect(page.getByRole('region', { name: 'Current billing' })).toContainText(`Visa ending in 4242, expires 12/${YEAR}`);
  // Nothing in the page holds the number any more.
  expect(await page.content()).not.toContain(ACCEPTED);
  await page.evaluate(() => globalThis.scrollTo(0, 0));
  await screenshot(page, 'billing');

  // The audit entry: brand, last four, expiry, and the token redacted; never the number.
  const entry = await expectAudit(page, { action: 'billing.update', text: '4242' });
  await expect(entry).toContainText('<redacted>');
  await expect(entry).toContainText('visa');
  const text = (await entry.textContent()).replace(/[\s-]/g, '');
  expect(text).not.toContain(ACCEPTED);
  expect(text).not.toContain(DECLINED);
  const res = await request.get(`${API}/partner/audit?action=billing.update&limit=50`, { headers: basicAuth() });
  expect(res.status()).toBe(200);
  const raw = await res.text();
  expect(raw).toContain('4242');
  expect(raw).not.toContain(ACCEPTED);
  expect(raw).not.toContain(DECLINED);
});
