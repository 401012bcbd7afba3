// Sign in with the partner's API username and password.
import { signIn } from '../api.js';
import { h, field, clearErrors, setFieldError, setFormError, showApiError } from '../dom.js';

export function renderSignIn(ctx) {
  const { main } = ctx;
  const username = field({ name: 'username', label: 'Username', required: true, attrs: { autocomplete: 'username', autocapitalize: 'off', spellcheck: 'false' } });
  const password = field({ name: 'password', label: 'Password', type: 'password', required: true, attrs: { autocomplete: 'current-password' } });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin', novalidate: true, 'aria-labelledby': 'signin-title' },
    username, password, h('div', { class: 'actions' }, submit));
  let countdown = null;

  function throttled(seconds) {
    const wait = Math.max(1, seconds || 60);
    const at = new Date(Date.now() + wait * 1000).toLocaleTimeString('en-GB');
    submit.disabled = true;
    setFormError(form, `Too many failed sign-ins. Wait ${wait} second${wait === 1 ? '' : 's'} (until ${at}) before trying again.`);
    clearTimeout(countdown);
    countdown = setTimeout(() => {
      submit.disabled = false;
      if (form.isConnected) setFormError(form, 'You can try signing in again now.');
    }, wait * 1000);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const u = form.elements.username.value.trim();
    const p = form.elements.password.value;
    if (!u || !p) {
      if (!u) setFieldError(form, 'username', 'Enter your username.');
      if (!p) setFieldError(form, 'password', 'Enter your password.');
      form.querySelector('[aria-invalid="true"]').focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const session = await signIn(u, p);
      await ctx.onSignedIn(session);
    } catch (err) {
      submit.textContent = 'Sign in';
      submit.disabled = false;
      if (err.status === 401) {
        setFormError(form, 'Wrong username or password.');
        form.elements.password.value = '';
        form.elements.password.focus();
      } else if (err.status === 429) {
        throttled(err.retryAfter);
      } else if (err.status === 400) {
        showApiError(form, err);
      } else {
        setFormError(form, err.message);
      }
    }
  });

  main.append(
    h('section', { class: 'card narrow' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      h('p', { class: 'muted' }, 'Use your partner API username and password.'),
      form),
  );
}
