// The Roles and Tenants sections of the user drawer: what the user holds, assign and remove.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { busy, confirmAction, showError, toast } from '../ui.js';
import { fill, section } from './drawer-parts.js';

export function rolesSection(user, features, changed) {
  const body = h('div', { class: 'section-body', id: 'drawer-roles' });
  const load = async () => {
    const [{ roles }, all, tenants] = await Promise.all([
      api(`users/${seg(user.id)}/roles`),
      api('roles'),
      features.tenants ? api('tenants') : Promise.resolve({ tenants: [] }),
    ]);
    const chips = h(
      'div',
      { class: 'chips' },
      roles.length === 0
        ? h('span', { class: 'muted' }, 'No roles assigned.')
        : roles.map((role) =>
            h(
              'span',
              { class: 'chip chip-removable' },
              role,
              h(
                'button',
                {
                  type: 'button',
                  class: 'chip-remove',
                  'aria-label': `Remove role ${role}`,
                  onClick: async () => {
                    const ok = await confirmAction({
                      title: `Remove role “${role}”?`,
                      message: `${user.email} loses the permissions granted by ${role}.`,
                      confirmLabel: 'Remove role',
                    });
                    if (!ok) return;
                    try {
                      await api(`users/${seg(user.id)}/roles/${seg(role)}`, { method: 'DELETE' });
                      toast(`Removed role ${role}`);
                      changed();
                      void fill(body, load);
                    } catch (error) {
                      showError(error, 'Could not remove the role');
                    }
                  },
                },
                icon('close'),
              ),
            ),
          ),
    );
    const available = all.roles.filter((r) => !roles.includes(r.name));
    const roleSelect = h(
      'select',
      { class: 'select', id: 'drawer-role-select', 'aria-label': 'Role to assign' },
      available.length === 0
        ? h(
            'option',
            { value: '' },
            all.roles.length === 0 ? 'No roles defined yet' : 'All roles assigned',
          )
        : available.map((r) => h('option', { value: r.name }, r.name)),
    );
    const tenantSelect =
      features.tenants && tenants.tenants.length > 0
        ? h(
            'select',
            { class: 'select', 'aria-label': 'Tenant scope (optional)' },
            h('option', { value: '' }, 'Any tenant'),
            tenants.tenants.map((t) => h('option', { value: t.id }, t.name || t.id)),
          )
        : null;
    const assign = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary',
        id: 'drawer-role-assign',
        disabled: available.length === 0,
        onClick: () =>
          void busy(assign, async () => {
            const role = roleSelect.value;
            if (!role) return;
            const body_ = { role };
            if (tenantSelect && tenantSelect.value) body_.tenantId = tenantSelect.value;
            try {
              await api(`users/${seg(user.id)}/roles`, { method: 'POST', body: body_ });
              toast(`Assigned role ${role}`);
              changed();
              void fill(body, load);
            } catch (error) {
              showError(error, 'Could not assign the role');
            }
          }),
      },
      icon('plus'),
      h('span', {}, 'Assign'),
    );
    return [chips, h('div', { class: 'inline-form' }, roleSelect, tenantSelect, assign)];
  };
  void fill(body, load);
  return section(
    'Roles',
    'Roles grant permissions; assign one to give its permissions to this user.',
    body,
  );
}

export function tenantsSection(user, changed) {
  const body = h('div', { class: 'section-body', id: 'drawer-tenants' });
  const load = async () => {
    const [{ tenantIds }, { tenants }] = await Promise.all([
      api(`users/${seg(user.id)}/tenants`),
      api('tenants'),
    ]);
    const names = new Map(tenants.map((t) => [t.id, t.name || t.id]));
    const chips = h(
      'div',
      { class: 'chips' },
      tenantIds.length === 0
        ? h('span', { class: 'muted' }, 'Not a member of any tenant.')
        : tenantIds.map((id) =>
            h(
              'span',
              { class: 'chip chip-removable' },
              names.get(id) ?? id,
              h(
                'button',
                {
                  type: 'button',
                  class: 'chip-remove',
                  'aria-label': `Remove from ${names.get(id) ?? id}`,
                  onClick: async () => {
                    const ok = await confirmAction({
                      title: `Remove from “${names.get(id) ?? id}”?`,
                      message: `${user.email} will no longer be a member of this tenant.`,
                      confirmLabel: 'Remove',
                    });
                    if (!ok) return;
                    try {
                      await api(`tenants/${seg(id)}/users/${seg(user.id)}`, { method: 'DELETE' });
                      toast('Removed from tenant');
                      changed();
                      void fill(body, load);
                    } catch (error) {
                      showError(error, 'Could not remove the membership');
                    }
                  },
                },
                icon('close'),
              ),
            ),
          ),
    );
    const available = tenants.filter((t) => !tenantIds.includes(t.id));
    const select = h(
      'select',
      { class: 'select', 'aria-label': 'Tenant to join' },
      available.length === 0
        ? h(
            'option',
            { value: '' },
            tenants.length === 0 ? 'No tenants yet' : 'Member of every tenant',
          )
        : available.map((t) => h('option', { value: t.id }, t.name || t.id)),
    );
    const add = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary',
        disabled: available.length === 0,
        onClick: () =>
          void busy(add, async () => {
            if (!select.value) return;
            try {
              await api(`tenants/${seg(select.value)}/users`, {
                method: 'POST',
                body: { userId: user.id },
              });
              toast('Added to tenant');
              changed();
              void fill(body, load);
            } catch (error) {
              showError(error, 'Could not add the membership');
            }
          }),
      },
      icon('plus'),
      h('span', {}, 'Add'),
    );
    return [chips, h('div', { class: 'inline-form' }, select, add)];
  };
  void fill(body, load);
  return section('Tenants', 'Organisations or workspaces this user belongs to.', body);
}

/** Parses the editor's text; only a JSON object is valid metadata. */
