// Device policies (C.5): the list with create and delete, and one policy's editor, generated
// from the catalogue of GET /devicepreferences (C.4, policy-editor.js).
import { get, post, del } from '../api.js';
import { h, field, announce, showApiError, clearErrors, setFormError, confirmDialog } from '../dom.js';
import { count } from '../format.js';
import { policyEditor, placeErrors, clearAllErrors } from '../policy-editor.js';

const policyPath = (id) => `/devicepolicies/${encodeURIComponent(id)}`;

/** Policies a policy may inherit from: top-level ones (C.5: one level only), not itself. */
function parentOptions(policies, self) {
  return [{ value: '', label: 'None (a top-level policy)' },
    ...policies.filter((p) => p.inherits_from === null && p.id !== self).map((p) => ({ value: p.id, label: p.name }))];
}

export async function renderPolicies(ctx) {
  const [policies, groups] = await Promise.all([get('/devicepolicies/'), get('/groups/')]);
  if (!ctx.isCurrent()) return;
  const byId = new Map(policies.map((p) => [p.id, p]));

  const form = h('form', { class: 'toolbar', novalidate: true, 'aria-labelledby': 'new-policy-h' },
    field({ name: 'name', label: 'Name', required: true, attrs: { autocomplete: 'off', maxlength: '50' } }),
    field({ name: 'inherits_from', label: 'Inherits from', type: 'select', options: parentOptions(policies, null) }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create policy')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const f = form.elements;
    try {
      const created = await post('/devicepolicies/', {
        name: f.name.value.trim(), inherits_from: f.inherits_from.value ? Number(f.inherits_from.value) : null, policy: {},
      });
      announce(`Created policy ${created.name}.`);
      ctx.navigate(`#/policies/${created.id}`);
    } catch (err) {
      if (err.status === 400 || err.status === 409) showApiError(form, err);
      else setFormError(form, err.message);
    }
  });

  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const table = policies.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'data' },
      h('caption', { class: 'vh' }, 'Device policies'),
      h('thead', {}, h('tr', {}, ['Name', 'Inherits from', 'Managed preferences', 'Used by groups', 'Actions'].map((t) => h('th', { scope: 'col', class: t === 'Managed preferences' ? 'num' : null }, t)))),
      h('tbody', {}, policies.map((p) => {
        const users = groups.filter((g) => g.device_policy === p.id).map((g) => g.name);
        const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${p.name}` }, 'Delete');
        remove.addEventListener('click', async () => {
          problem.hidden = true;
          const ok = await confirmDialog({ title: `Delete ${p.name}?`, message: `The device policy ${p.name} will be deleted. This cannot be undone.`, confirmLabel: 'Delete policy' });
          if (!ok) { remove.focus(); return; }
          try {
            await del(policyPath(p.id));
            announce(`Deleted policy ${p.name}.`);
            remove.closest('tr').remove();
          } catch (err) {
            problem.textContent = `Could not delete ${p.name}: ${err.message}`;
            problem.hidden = false;
            remove.focus();
          }
        });
        return h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: `#/policies/${p.id}` }, p.name)),
          h('td', {}, p.inherits_from === null ? '—' : byId.get(p.inherits_from)?.name || `#${p.inherits_from}`),
          h('td', { class: 'num' }, count(Object.keys(p.policy).length)),
          h('td', {}, users.length ? users.join(', ') : 'None'),
          h('td', {}, remove));
      }))))
    : h('p', { class: 'muted' }, 'No device policies yet.');

  ctx.main.append(
    h('h1', {}, 'Device policies'),
    h('p', { class: 'muted' }, "A policy manages backup client settings on the devices of the groups that use it. A child policy inherits from a top-level one and may take any of its parent's values."),
    h('section', { class: 'card', 'aria-labelledby': 'new-policy-h' }, h('h2', { id: 'new-policy-h' }, 'New policy'), form),
    problem,
    table,
  );
}

export async function renderPolicy(ctx) {
  const id = ctx.args[0];
  let policy;
  try {
    if (!/^\d+$/.test(id)) throw Object.assign(new Error('not found'), { status: 404 });
    policy = await get(policyPath(id));
  } catch (err) {
    if (err.status !== 404) throw err;
    if (!ctx.isCurrent()) return;
    ctx.main.append(h('h1', {}, 'Policy not found'), h('p', {}, `No device policy ${id}. `, h('a', { href: '#/policies' }, 'Back to device policies')));
    return;
  }
  const [catalogue, policies] = await Promise.all([get('/devicepreferences'), get('/devicepolicies/')]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle(policy.name);
  const byId = new Map(policies.map((p) => [p.id, p]));

  const heading = h('h1', {}, policy.name);
  const editor = policyEditor(catalogue);
  const parentField = field({ name: 'inherits_from', label: 'Inherits from', type: 'select', value: policy.inherits_from ?? '',
    options: parentOptions(policies, policy.id), hint: 'A child policy may set any preference to "Inherit", taking the value of its parent.' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save policy');
  const undo = h('button', { type: 'button', class: 'secondary' }, 'Undo changes');
  const form = h('form', { class: 'policy-form', novalidate: true, 'aria-label': 'Device policy' },
    h('section', { class: 'card', 'aria-labelledby': 'policy-h' }, h('h2', { id: 'policy-h' }, 'Policy'),
      field({ name: 'name', label: 'Name', value: policy.name, required: true, attrs: { autocomplete: 'off', maxlength: '50' } }),
      parentField),
    h('p', { class: 'muted' }, 'A preference that is not managed is left out of the policy; "Left to the user" manages it as the user\'s choice. A preference below another applies only while the one above has the value it needs.'),
    editor.sections,
    h('div', { class: 'actions sticky-actions' }, save, undo));

  const parentSelect = form.elements.inherits_from;
  const showParent = () => editor.setParent(parentSelect.value ? byId.get(Number(parentSelect.value)) || null : null);
  function fill() {
    form.elements.name.value = policy.name;
    parentSelect.value = policy.inherits_from === null ? '' : String(policy.inherits_from);
    editor.fill(policy.policy);
    showParent();
  }
  parentSelect.addEventListener('change', showParent);
  undo.addEventListener('click', () => { clearAllErrors(form); fill(); announce('Changes undone.'); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearAllErrors(form);
    // C.5: the console sends the whole policy: its name, its parent and every managed key.
    const body = {
      name: form.elements.name.value.trim(),
      inherits_from: parentSelect.value ? Number(parentSelect.value) : null,
      policy: editor.read(),
    };
    save.disabled = true;
    try {
      policy = await post(policyPath(policy.id), body);
      byId.set(policy.id, policy);
      fill();
      heading.textContent = policy.name;
      ctx.setTitle(policy.name);
      announce(`Saved policy ${policy.name}.`);
    } catch (err) {
      if (err.status === 400 || err.status === 409) {
        placeErrors(form, err);
        announce('Policy not saved: see the messages beside the fields.');
      } else {
        setFormError(form, err.message);
      }
    } finally {
      save.disabled = false;
    }
  });

  ctx.main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/policies' }, '← All device policies')),
    heading,
    form,
  );
  fill();
}
