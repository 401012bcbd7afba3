// Groups (B.2): the partner's groups with plan, device policy and member count; create, edit
// (a plan change that puts members over quota is confirmed, then resent with force: true) and
// delete (members are moved to the group chosen, DELETE ?move_to=).
import { get, post, del } from '../api.js';
import { h, clear, field, announce, newId, showApiError, clearErrors, setFormError, setFieldError, confirmDialog } from '../dom.js';
import { bytes, count } from '../format.js';

const groupPath = (id) => `/groups/${encodeURIComponent(id)}`;
const memberCount = (g) => get('/users/', { group_id: g.group_id, action: 'user_count' }).then((r) => r.user_count);

/**
 * A <dialog> holding a form; `onSubmit(form)` runs on submit and closes it by returning true;
 * Cancel and Escape close it. On closing, the focus goes back to `refocus()` (or the opener).
 */
function formDialog({ title, submitLabel, danger = false, fields, opener, refocus, onSubmit }) {
  const titleId = newId('dlg-title');
  const form = h('form', { method: 'dialog', novalidate: true, 'aria-labelledby': titleId }, fields);
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const submit = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submitLabel);
  form.append(h('div', { class: 'actions' }, cancel, submit));
  const dialog = h('dialog', { class: 'dialog wide', 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), form);
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    const target = opener?.isConnected ? opener : refocus?.();
    target?.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      if (await onSubmit(form)) dialog.close();
    } finally {
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  form.querySelector('input, select')?.focus();
  return { dialog, form, submit };
}

function groupFields(plans, policies, g = {}) {
  return [
    field({ name: 'name', label: 'Name', required: true, value: g.name ?? '', attrs: { autocomplete: 'off', maxlength: '200' } }),
    field({ name: 'plan_id', label: 'Plan', type: 'select', value: g.plan_id ?? plans[0]?.plan_id,
      options: plans.map((p) => ({ value: p.plan_id, label: `${p.name} (${bytes(p.storage_bytes)})` })),
      hint: "Members take the group's plan." }),
    field({ name: 'device_policy', label: 'Device policy', type: 'select', value: g.device_policy ?? '',
      options: [{ value: '', label: 'No device policy' }, ...policies.map((p) => ({ value: p.id, label: p.name }))] }),
    field({ name: 'webapi_enable', label: 'Web API enabled', type: 'checkbox', value: g.webapi_enable ?? true }),
    field({ name: 'check_domain', label: 'Check domain', type: 'checkbox', value: g.check_domain ?? false,
      hint: 'Members must belong to the ActiveDirectory domain of the settings.' }),
  ];
}

function readGroup(form) {
  const f = form.elements;
  return {
    name: f.name.value.trim(),
    plan_id: Number(f.plan_id.value),
    device_policy: f.device_policy.value ? Number(f.device_policy.value) : null,
    webapi_enable: f.webapi_enable.checked,
    check_domain: f.check_domain.checked,
  };
}

function showGroupError(form, err) {
  if (err.status === 400 || err.status === 409) showApiError(form, err, { avatars_over_quota: 'plan_id' });
  else if (err.status === 402) setFormError(form, `Not enough space: ${err.message}`);
  else setFormError(form, err.message);
}

export async function renderGroups(ctx) {
  const [plans, policies] = await Promise.all([get('/plans'), get('/devicepolicies/')]);
  if (!ctx.isCurrent()) return;
  const planName = new Map(plans.map((p) => [p.plan_id, `${p.name} (${bytes(p.storage_bytes)})`]));
  const policyName = new Map(policies.map((p) => [p.id, p.name]));
  let groups = [];
  let members = new Map();

  const newGroup = h('button', { type: 'button', class: 'primary' }, 'New group');
  const summary = h('p', { class: 'summary', id: 'groups-summary', 'aria-live': 'polite', tabindex: '-1' });
  const tbody = h('tbody');
  const table = h('table', { class: 'data', 'aria-describedby': 'groups-summary' },
    h('caption', { class: 'vh' }, 'Groups'),
    h('thead', {}, h('tr', {}, ['Name', 'Plan', 'Device policy', 'Members', 'Web API', 'Check domain', 'Actions']
      .map((t) => h('th', { scope: 'col', class: t === 'Members' ? 'num' : null }, t)))),
    tbody);
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Groups'), newGroup),
    h('p', { class: 'muted' }, 'Every user belongs to one group; the group gives its members their plan and their devices their policy. The oldest group is the default group.'),
    summary,
    h('div', { class: 'table-wrap' }, table),
  );

  async function load() {
    table.setAttribute('aria-busy', 'true');
    const fresh = await get('/groups/');
    const counts = await Promise.all(fresh.map(memberCount));
    if (!ctx.isCurrent()) return;
    groups = fresh;
    members = new Map(fresh.map((g, i) => [g.group_id, counts[i]]));
    table.removeAttribute('aria-busy');
    clear(tbody);
    if (!groups.length) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No groups yet.')));
    for (const g of groups) tbody.append(row(g));
    summary.textContent = `${count(groups.length)} group(s), ${count(counts.reduce((a, b) => a + b, 0))} member(s).`;
  }

  function row(g) {
    const edit = h('button', { type: 'button', class: 'secondary small edit', 'aria-label': `Edit ${g.name}` }, 'Edit');
    const remove = h('button', { type: 'button', class: 'danger small delete', 'aria-label': `Delete ${g.name}` }, 'Delete');
    edit.addEventListener('click', () => openEdit(g, edit));
    remove.addEventListener('click', () => openDelete(g, remove));
    return h('tr', { 'data-group': g.group_id },
      h('th', { scope: 'row' }, g.name),
      h('td', {}, planName.get(g.plan_id) || `#${g.plan_id}`),
      h('td', {}, g.device_policy === null ? 'None' : h('a', { href: `#/policies/${g.device_policy}` }, policyName.get(g.device_policy) || `#${g.device_policy}`)),
      h('td', { class: 'num' }, count(members.get(g.group_id) ?? 0)),
      h('td', {}, g.webapi_enable ? 'Yes' : 'No'),
      h('td', {}, g.check_domain ? 'Yes' : 'No'),
      h('td', { class: 'nowrap' }, edit, ' ', remove));
  }

  async function afterChange(message) {
    announce(message);
    await load();
  }
  /** After a change the table is new: the focus goes to the group's row again, or the summary. */
  const focusAfter = (id, which) => () => tbody.querySelector(`tr[data-group="${id}"] button.${which}`) || summary;

  newGroup.addEventListener('click', () => formDialog({
    title: 'New group', submitLabel: 'Create group', opener: newGroup, refocus: () => summary,
    fields: groupFields(plans, policies),
    async onSubmit(form) {
      try {
        const created = await post('/groups/', readGroup(form));
        await afterChange(`Created group ${created.name}.`);
        return true;
      } catch (err) {
        showGroupError(form, err);
        return false;
      }
    },
  }));

  function openEdit(g, opener) {
    formDialog({
      title: `Edit ${g.name}`, submitLabel: 'Save changes', opener, refocus: focusAfter(g.group_id, 'edit'),
      fields: groupFields(plans, policies, g),
      async onSubmit(form) {
        const wanted = readGroup(form);
        const body = {};
        for (const [k, v] of Object.entries(wanted)) if (v !== g[k]) body[k] = v;
        if (!Object.keys(body).length) { announce('Nothing to save.'); return true; }
        try {
          await post(groupPath(g.group_id), body);
        } catch (err) {
          if (err.status !== 409 || !(err.body.conflicts || []).includes('avatars_over_quota')) {
            showGroupError(form, err);
            return false;
          }
          // B.2: members would store more than the new plan allows; only `force` changes it.
          const ok = await confirmDialog({
            title: 'Members are over the new quota',
            message: `${err.message.replace(/; send force: true to change it anyway$/, '')}. `
              + `With ${planName.get(wanted.plan_id) || 'this plan'} they will be over quota: their stored data is kept, but they may not back up more until they are under it again. Change the plan anyway?`,
            confirmLabel: 'Change the plan anyway',
          });
          if (!ok) {
            setFieldError(form, 'plan_id', 'Not changed: members store more than this plan allows.');
            form.elements.plan_id.focus();
            return false;
          }
          try {
            await post(groupPath(g.group_id), { ...body, force: true });
          } catch (err2) {
            showGroupError(form, err2);
            return false;
          }
        }
        await afterChange(`Saved group ${wanted.name || g.name}.`);
        return true;
      },
    });
  }

  async function openDelete(g, opener) {
    const n = await memberCount(g);
    const others = groups.filter((o) => o.group_id !== g.group_id);
    if (!n) {
      const ok = await confirmDialog({ title: `Delete ${g.name}?`, message: `The group ${g.name} has no members. Delete it?`, confirmLabel: 'Delete group' });
      if (!ok) { opener.focus(); return; }
      try {
        await del(groupPath(g.group_id));
        await afterChange(`Deleted group ${g.name}.`);
        summary.focus();
      } catch (err) {
        announce(`Could not delete ${g.name}: ${err.message}`);
        opener.focus();
      }
      return;
    }
    const intro = h('p', {}, `${g.name} has ${count(n)} member(s). They are moved to the group you choose, and take its plan, before ${g.name} is deleted.`);
    const fields = others.length
      ? [intro, field({ name: 'move_to', label: 'Move the members to', type: 'select', value: others[0].group_id,
        options: others.map((o) => ({ value: o.group_id, label: `${o.name} (${planName.get(o.plan_id) || `plan #${o.plan_id}`})` })) })]
      : [intro, h('p', { class: 'form-error', role: 'alert' }, 'There is no other group to move them to: create one first.')];
    const { submit } = formDialog({
      title: `Delete ${g.name}?`, submitLabel: 'Move members and delete', danger: true, opener, refocus: () => summary, fields,
      async onSubmit(form) {
        if (!others.length) return false;
        const to = Number(form.elements.move_to.value);
        try {
          await del(groupPath(g.group_id), { move_to: to });
          const dest = others.find((o) => o.group_id === to);
          await afterChange(`Deleted group ${g.name}; ${count(n)} member(s) moved to ${dest ? dest.name : `group #${to}`}.`);
          return true;
        } catch (err) {
          if (err.status === 400 || err.status === 409) showApiError(form, err);
          else setFormError(form, err.message);
          return false;
        }
      },
    });
    if (!others.length) submit.disabled = true;
  }

  await load();
}
