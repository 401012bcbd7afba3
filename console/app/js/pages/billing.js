// Billing (A.3, A.4): the current record, and the form of the partner's billing mode: invoice
// details, or (prepaid) the card too. The mode itself is the service provider's to set (A.11).
// Card numbers and security codes never stay in the page: their fields are emptied at every
// answer, and nothing else keeps them.
import { get, post } from '../api.js';
import { h, clear, field, announce, showApiError, clearErrors, setFormError } from '../dom.js';
import { time } from '../format.js';

const BRANDS = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club' };
const CARD_FIELDS = ['card_number', 'security_code', 'expiration_month', 'expiration_year'];

function cardText(card) {
  if (!card) return 'None';
  const month = String(card.expiration_month).padStart(2, '0');
  return `${BRANDS[card.brand] || card.brand} ending in ${card.last4}, expires ${month}/${card.expiration_year}`;
}

/** A whole number as a number; anything else as typed, for the server to explain. */
function intOrText(v) {
  return /^\d+$/.test(v) ? Number(v) : v;
}

export async function renderBilling(ctx) {
  let billing = await get('/partner/billing');
  if (!ctx.isCurrent()) return;
  const prepaid = billing.billing_mode === 'prepaid';

  const facts = h('dl', { class: 'facts' });
  function renderFacts() {
    clear(facts);
    const address = billing.address.length ? billing.address.map((line, i) => [i ? h('br') : null, line]) : '—';
    const rows = [
      ['Billing mode', prepaid ? 'Credit card (prepaid)' : 'Invoice'],
      ['Name', billing.name ?? '—'],
      ['Address', address],
      ['City', billing.city ?? '—'],
      ['State or province', billing.state ?? '—'],
      ['Postal code', billing.postal_code ?? '—'],
      ['Country', billing.country ?? '—'],
    ];
    if (prepaid || billing.card) rows.push(['Card', cardText(billing.card)]);
    rows.push(['Last updated', billing.updated_at ? time(billing.updated_at) : 'Never']);
    for (const [k, v] of rows) facts.append(h('div', {}, h('dt', {}, k), h('dd', {}, v)));
  }
  renderFacts();

  const year = new Date().getUTCFullYear();
  const form = h('form', { class: 'stack billing', novalidate: true, 'aria-labelledby': 'billing-form-h' },
    field({ name: 'name', label: prepaid ? 'Name on the card' : 'Name on the invoice', value: billing.name ?? '', attrs: { autocomplete: prepaid ? 'cc-name' : 'organization', maxlength: '200' } }),
    field({ name: 'address', label: 'Address', type: 'textarea', rows: 3, value: billing.address.join('\n'), hint: 'One to four lines.', attrs: { autocomplete: 'street-address' } }),
    field({ name: 'city', label: 'City', value: billing.city ?? '', attrs: { autocomplete: 'address-level2' } }),
    field({ name: 'state', label: 'State or province', value: billing.state ?? '', attrs: { autocomplete: 'address-level1' } }),
    field({ name: 'postal_code', label: 'Postal code', value: billing.postal_code ?? '', attrs: { autocomplete: 'postal-code' } }),
    field({ name: 'country', label: 'Country', value: billing.country ?? '', hint: 'Two-letter ISO 3166 code, for example US, GB or DE.', attrs: { autocomplete: 'country', spellcheck: 'false', autocapitalize: 'characters' } }),
    prepaid
      ? h('fieldset', { class: 'card-fields' }, h('legend', {}, 'Card'),
        h('p', { class: 'hint' }, 'The card is checked with the card processor. Only its brand, last four digits and expiry are kept.'),
        field({ name: 'card_number', label: 'Card number', attrs: { autocomplete: 'cc-number', inputmode: 'numeric', spellcheck: 'false' } }),
        h('div', { class: 'row' },
          field({ name: 'expiration_month', label: 'Expiry month', type: 'select', value: '', options: [{ value: '', label: 'Month' },
            ...Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: String(i + 1).padStart(2, '0') }))], attrs: { autocomplete: 'cc-exp-month' } }),
          field({ name: 'expiration_year', label: 'Expiry year', type: 'text', hint: `For example ${year + 3}.`, attrs: { autocomplete: 'cc-exp-year', inputmode: 'numeric', maxlength: '4' } }),
          field({ name: 'security_code', label: 'Security code', hint: '3 digits; 4 for American Express.', attrs: { autocomplete: 'cc-csc', inputmode: 'numeric', maxlength: '4' } })))
      : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, prepaid ? 'Save and check the card' : 'Save billing details')));
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });

  function wipeCard({ all }) {
    for (const name of all ? CARD_FIELDS : ['card_number', 'security_code']) {
      const el = form.elements[name];
      if (el) el.value = '';
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    notice.hidden = true;
    const f = form.elements;
    // Blank fields are left out: the server then names each one it requires.
    const body = {};
    for (const name of ['name', 'city', 'state', 'postal_code', 'country']) {
      const v = f[name].value.trim();
      if (v) body[name] = v;
    }
    const lines = f.address.value.split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.length) body.address = lines;
    if (prepaid) {
      const number = f.card_number.value.trim();
      const code = f.security_code.value.trim();
      if (number) body.card_number = number;
      if (code) body.security_code = code;
      if (f.expiration_month.value) body.expiration_month = Number(f.expiration_month.value);
      if (f.expiration_year.value.trim()) body.expiration_year = intOrText(f.expiration_year.value.trim());
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    let saved = false;
    try {
      billing = await post('/partner/billing', body);
      saved = true;
      renderFacts();
      clear(notice);
      notice.append(h('p', {}, prepaid ? `Billing details saved; the card was accepted (${cardText(billing.card)}).` : 'Billing details saved.'));
      notice.hidden = false;
      announce('Billing details saved.');
    } catch (err) {
      if (err.status === 409 && err.body.code) {
        // The card processor's refusal (A.3): its code and its reason.
        setFormError(form, `The card was refused: ${err.body.reason} (processor code ${err.body.code}). Nothing was changed.`);
        f.card_number.focus();
      } else if (err.status === 400 || err.status === 409) {
        showApiError(form, err);
      } else {
        setFormError(form, err.message);
      }
      announce('Billing details not saved.');
    } finally {
      // No copy of the card number or security code outlives the request.
      for (const k of ['card_number', 'security_code']) delete body[k];
      if (prepaid) wipeCard({ all: saved });
      submit.disabled = false;
    }
  });

  ctx.main.append(
    h('h1', {}, 'Billing'),
    h('p', { class: 'muted' }, prepaid
      ? 'You pay by credit card (prepaid). Your service provider sets the billing mode; ask them to bill you by invoice instead.'
      : 'You are billed by invoice. Your service provider sets the billing mode; ask them if you want to pay by credit card.'),
    notice,
    h('div', { class: 'grid two billing-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'billing-now-h' }, h('h2', { id: 'billing-now-h' }, 'Current billing'), facts),
      h('section', { class: 'card', 'aria-labelledby': 'billing-form-h' },
        h('h2', { id: 'billing-form-h' }, prepaid ? 'Billing address and card' : 'Invoice details'), form)),
  );
}
