// The device policy editor, generated from the catalogue of GET /devicepreferences (C.4).
// Each preference gets a management choice (not managed / managed / left to the user / inherit
// from the parent policy, C.5) and a control of its type; a child preference is shown (and sent)
// only while its parent is managed with exactly the child's conditional_parent_value.
import { h, newId, clearErrors, setFormError } from './dom.js';

export const UNSET = '--unset--';
export const INHERIT = '--inherit--';

/** A value as a person reads it (for the parent's value beside "Inherit"). */
export function describeValue(v) {
  if (v === undefined) return 'not managed';
  if (v === UNSET) return 'left to the user';
  if (v === INHERIT) return 'inherited';
  if (v === true) return 'on';
  if (v === false) return 'off';
  const s = Array.isArray(v) ? (v.length ? v.join(', ') : 'empty list') : String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function control(node, id, describedBy) {
  const common = { id, 'aria-describedby': describedBy, class: 'pref-control' };
  if (node.type === 'boolean') return h('input', { ...common, type: 'checkbox' });
  if (node.type === 'integer') return h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'pref-control short' });
  if (node.type === 'string[]') return h('textarea', { ...common, rows: 3, spellcheck: 'false' });
  if (node.choices) return h('select', common, node.choices.map((c) => h('option', { value: c }, c)));
  return h('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false' });
}

/**
 * editor = policyEditor(catalogue); append editor.sections; editor.fill(policy, parentPolicy);
 * editor.read() → the `policy` object to send; editor.setParent(parentPolicy or null).
 */
export function policyEditor(catalogue) {
  const rows = new Map();
  let parent = null;

  function build(node, parentRow) {
    const id = newId('pref');
    const described = `${id}-hint ${id}-error`;
    const input = control(node, id, described);
    const modeId = newId('mode');
    const inheritOption = h('option', { value: INHERIT }, 'Inherit from the parent');
    const mode = h('select', { id: modeId, class: 'mode', 'aria-describedby': described },
      h('option', { value: '' }, 'Not managed'),
      h('option', { value: 'set' }, 'Managed'),
      h('option', { value: UNSET }, 'Left to the user'),
      inheritOption);
    const valueBox = h('span', { class: 'pref-value' }, input);
    const childBox = h('div', { class: 'pref-children' });
    const wrap = h('div', { class: 'pref', 'data-field': `policy.${node.name}` },
      h('div', { class: 'pref-line' },
        h('label', { for: id, class: 'pref-name' }, node.name),
        h('label', { for: modeId, class: 'vh' }, `Manage ${node.name}`), mode,
        valueBox),
      h('p', { class: 'hint', id: `${id}-hint` }, node.description),
      h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
      node.fields.length ? childBox : null);
    const row = { node, wrap, mode, input, valueBox, inheritOption, parentRow, children: [] };
    rows.set(node.name, row);
    mode.addEventListener('change', update);
    input.addEventListener(node.type === 'boolean' || input.tagName === 'SELECT' ? 'change' : 'input', update);
    for (const child of node.fields) {
      const c = build(child, row);
      row.children.push(c);
      childBox.append(c.wrap);
    }
    return row;
  }

  const sections = catalogue.map((cat) => {
    const headingId = newId('cat');
    return h('section', { class: 'card prefs', 'aria-labelledby': headingId },
      h('h2', { id: headingId }, cat.category),
      cat.fields.map((node) => build(node, null).wrap));
  });

  function valueOf(row) {
    const { node, input } = row;
    if (node.type === 'boolean') return input.checked;
    if (node.type === 'string[]') return input.value.split('\n').map((s) => s.trim()).filter(Boolean);
    const t = input.value.trim();
    // Anything but a plain count goes as typed: the server's 400 then explains it beside the field.
    if (node.type === 'integer') return /^\d{1,15}$/.test(t) ? Number(t) : t;
    return node.choices ? input.value : t;
  }

  /** A row is in force when every ancestor is managed with the value its child needs. */
  function applies(row) {
    const p = row.parentRow;
    if (!p) return true;
    return applies(p) && p.mode.value === 'set' && valueOf(p) === row.node.conditional_parent_value;
  }

  function update() {
    for (const row of rows.values()) {
      row.wrap.hidden = !applies(row);
      row.valueBox.hidden = row.mode.value !== 'set';
      const own = parent ? parent.policy[row.node.name] : undefined;
      row.inheritOption.textContent = parent ? `Inherit from ${parent.name} (${describeValue(own)})` : 'Inherit from the parent';
      row.inheritOption.disabled = !parent && row.mode.value !== INHERIT;
    }
  }

  function setValue(row, v) {
    const { node, input } = row;
    if (node.type === 'boolean') input.checked = v === true;
    else if (node.type === 'string[]') input.value = Array.isArray(v) ? v.join('\n') : '';
    else if (node.choices) input.value = v === undefined ? node.choices[0] : String(v);
    else input.value = v === undefined ? '' : String(v);
  }

  function fill(policy) {
    for (const [name, row] of rows) {
      const v = policy[name];
      if (v === undefined) { row.mode.value = ''; setValue(row, undefined); }
      else if (v === UNSET || v === INHERIT) { row.mode.value = v; setValue(row, undefined); }
      else { row.mode.value = 'set'; setValue(row, v); }
    }
    update();
  }

  function read() {
    const policy = {};
    for (const [name, row] of rows) {
      if (!applies(row) || !row.mode.value) continue;
      policy[name] = row.mode.value === 'set' ? valueOf(row) : row.mode.value;
    }
    return policy;
  }

  function setParent(p) {
    parent = p;
    update();
  }

  return { sections, fill, read, setParent, rows };
}

/** clearErrors, for rows whose marked control need not be their first. */
export function clearAllErrors(form) {
  clearErrors(form);
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/**
 * Put a 400's `invalid` (or a 409's `conflicts`) beside the fields of `form` (`policy.<key>`
 * rows and plain fields alike): each gets the part of `reason` that names it.
 */
export function placeErrors(form, err) {
  clearAllErrors(form);
  const body = err.body || {};
  const names = body.invalid || body.conflicts || [];
  const reason = String(body.reason || err.message || 'The request failed.');
  const starts = (p) => names.some((n) => p.startsWith(`${n} `) || p.startsWith(`${n}:`));
  // The reason joins one sentence per problem with "; "; a sentence may hold "; " itself.
  const parts = [];
  for (const p of reason.split(/;\s+/)) {
    if (parts.length && !starts(p)) parts[parts.length - 1] += `; ${p}`;
    else parts.push(p);
  }
  const unplaced = [];
  for (const name of names) {
    const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const own = parts.filter((p) => p.startsWith(`${name} `) || p.startsWith(`${name}:`)).join('; ') || reason;
    if (!wrap || wrap.hidden) { unplaced.push(own); continue; }
    const error = wrap.querySelector('.field-error');
    error.textContent = own;
    error.hidden = false;
    wrap.classList.add('has-error');
    const value = wrap.querySelector(':scope > .pref-line > .pref-value:not([hidden]) .pref-control');
    const target = value || wrap.querySelector('select.mode') || wrap.querySelector('input, select, textarea');
    target.setAttribute('aria-invalid', 'true');
  }
  if (!names.length || unplaced.length) setFormError(form, unplaced.length ? unplaced.join('; ') : reason);
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  else form.querySelector('.form-error')?.focus();
}
