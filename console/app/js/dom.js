// Small helpers to build the DOM without innerHTML (and without inline styles, which the CSP forbids).

/**
 * h('button', {class: 'x', onclick: fn, type: 'button'}, 'text', child, [more])
 * Attribute values of null/undefined/false are skipped; true sets an empty attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else if (key === 'style') {
      throw new Error('no inline styles: use a class');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let uid = 0;
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Announce a status message through the page's live region. */
export function announce(message) {
  const region = document.getElementById('announce');
  region.textContent = '';
  // A fresh text node after a tick makes screen readers read a repeated message again.
  setTimeout(() => { region.textContent = message; }, 50);
}

/**
 * A labelled form field with a place for its error.
 * opts: {name, label, type, value, hint, options: [{value, label}], required, attrs}
 */
export function field(opts) {
  const id = opts.id || newId(`f-${opts.name}`);
  const errorId = `${id}-error`;
  const hintId = opts.hint ? `${id}-hint` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  let control;
  const common = { id, name: opts.name, 'aria-describedby': describedBy, required: opts.required, ...(opts.attrs || {}) };
  if (opts.type === 'select') {
    control = h('select', common, (opts.options || []).map((o) =>
      h('option', { value: String(o.value), selected: String(o.value) === String(opts.value ?? '') }, o.label)));
  } else if (opts.type === 'textarea') {
    control = h('textarea', { ...common, rows: opts.rows || 4 });
    control.value = opts.value ?? '';
  } else if (opts.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: Boolean(opts.value) });
  } else {
    control = h('input', { ...common, type: opts.type || 'text', value: opts.value ?? '' });
  }
  const label = h('label', { for: id }, opts.label);
  const hint = opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const wrap = h('div', { class: opts.type === 'checkbox' ? 'field checkbox' : 'field', 'data-field': opts.name },
    opts.type === 'checkbox' ? [control, label] : [label, control], hint, error);
  return wrap;
}

export function setFieldError(form, name, message) {
  const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (!wrap) return false;
  const error = wrap.querySelector('.field-error');
  const control = wrap.querySelector('input, select, textarea');
  error.textContent = message;
  error.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  wrap.classList.add('has-error');
  return true;
}

export function clearErrors(form) {
  for (const wrap of form.querySelectorAll('.has-error')) {
    wrap.classList.remove('has-error');
    const error = wrap.querySelector('.field-error');
    error.textContent = '';
    error.hidden = true;
    wrap.querySelector('input, select, textarea')?.removeAttribute('aria-invalid');
  }
  const formError = form.querySelector('.form-error');
  if (formError) { formError.textContent = ''; formError.hidden = true; }
}

/** The form-level error box (role=alert), made on first use at the top of the form. */
export function setFormError(form, message) {
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('p', { class: 'form-error', role: 'alert' });
    form.prepend(box);
  }
  box.textContent = message;
  box.hidden = false;
}

/**
 * Show an API error on a form: each field named in a 400's `invalid` or a 409's `conflicts`
 * gets the part of `reason` that mentions it (or the whole reason) beside it; anything that
 * names no field of this form goes to the form-level box. Returns true when shown.
 */
export function showApiError(form, err, fieldNames = {}) {
  clearErrors(form);
  const body = err.body || {};
  const names = body.invalid || body.conflicts || [];
  const parts = String(body.reason || err.message || 'The request failed.').split(/;\s+/);
  let placed = 0;
  const unplaced = [];
  for (const name of names) {
    const own = parts.filter((p) => p.startsWith(name + ' ') || p.startsWith(name + ':') || p.includes(` ${name} `) || p === name);
    const message = own.length ? own.join('; ') : body.reason || 'Invalid value.';
    if (setFieldError(form, fieldNames[name] || name, capitalize(message))) placed += 1;
    else unplaced.push(message);
  }
  if (!placed || unplaced.length) {
    setFormError(form, unplaced.length ? unplaced.join('; ') : body.reason || err.message);
  }
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  return true;
}

export function capitalize(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** A modal confirmation built on <dialog>; resolves true when confirmed. */
export function confirmDialog({ title, message, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const titleId = newId('dlg-title');
    const cancel = h('button', { type: 'button', class: 'secondary', autofocus: true }, 'Cancel');
    const ok = h('button', { type: 'button', class: danger ? 'danger' : 'primary' }, confirmLabel);
    const dialog = h('dialog', { 'aria-labelledby': titleId, class: 'dialog' },
      h('h2', { id: titleId }, title),
      h('p', {}, message),
      h('div', { class: 'actions' }, cancel, ok));
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => { answer = true; dialog.close(); });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(answer); });
    document.body.append(dialog);
    dialog.showModal();
  });
}
