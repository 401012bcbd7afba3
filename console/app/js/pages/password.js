// Change the partner's password (A.5). The server ends every session of the partner when the
// password changes (this one too), so the console then goes back to sign-in and says why.
import { get, post } from '../api.js';
import { h, field, announce, showApiError, clearErrors, setFieldError, setFormError } from '../dom.js';

const MIN = 8;
const MAX = 1024;

/** The server's rules (A.5), checked here first so the common mistakes need no round trip. */
function problem(pw) {
  if (!pw) return 'Enter the new password.';
  if ([...pw].length < MIN) return `The password must have at least ${MIN} characters.`;
  if ([...pw].length > MAX) return `The password must have at most ${MAX} characters.`;
  if (!pw.trim()) return 'The password must not be only spaces.';
  return null;
}

/** After the change this session is gone: the next call's 401 puts the console on sign-in. */
async function backToSignIn(ctx, form) {
  // Signing in again lands on the overview, not on this form.
  history.replaceState(null, '', '#/overview');
  try {
    await get('/partner/info');
  } catch (err) {
    if (err.status === 401) {
      // main.js has drawn the sign-in page on the 401: say there why.
      ctx.main.querySelector('form.signin')?.before(h('p', { class: 'notice', role: 'status' },
        'Your password was changed and every session was signed out. Sign in with the new password.'));
      announce('Password changed. Sign in with the new password.');
      return;
    }
  }
  // The session outlived the change (the server should have ended it): stay, and say it worked.
  history.replaceState(null, '', '#/password');
  form.before(h('p', { class: 'notice', role: 'status' }, 'Password changed.'));
  form.querySelector('button[type="submit"]').disabled = false;
  announce('Password changed.');
}

export async function renderPassword(ctx) {
  const form = h('form', { class: 'stack password', novalidate: true, 'aria-labelledby': 'password-h' },
    // The username field lets password managers file the new password under the right account.
    h('input', { type: 'text', name: 'username', value: ctx.session.username, autocomplete: 'username', hidden: true, readonly: true }),
    field({ name: 'password', label: 'New password', type: 'password', required: true, hint: `${MIN} to ${MAX} characters.`, attrs: { autocomplete: 'new-password', minlength: String(MIN), maxlength: String(MAX) } }),
    field({ name: 'confirm', label: 'Confirm the new password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Change password')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const pw = form.elements.password.value;
    const again = form.elements.confirm.value;
    const bad = problem(pw);
    if (bad) setFieldError(form, 'password', bad);
    else if (pw !== again) setFieldError(form, 'confirm', 'The two passwords differ. Type the same password twice.');
    if (bad || pw !== again) {
      form.querySelector('[aria-invalid="true"]').focus();
      return;
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      await post('/partner/password', pw);
    } catch (err) {
      submit.disabled = false;
      if (err.status === 400) showApiError(form, err);
      else if (err.status !== 401) setFormError(form, err.message);
      return;
    } finally {
      form.elements.password.value = '';
      form.elements.confirm.value = '';
    }
    await backToSignIn(ctx, form);
  });

  ctx.main.append(
    h('h1', { id: 'password-h' }, 'Change password'),
    h('p', { class: 'muted' }, `The password of ${ctx.session.username}, for this console and for the API (scripts and the management appliance use it too). Changing it signs out every session, this one included.`),
    h('section', { class: 'card' }, form),
  );
}
