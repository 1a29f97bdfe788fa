// The drawer of an inbound webhook: what it is, its script, actions and signature scheme to edit
// (saved with PATCH), and a dry run of the script as it stands in the editor, saved or not.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { busy, formatDate, formError, showFormError, toast } from '../ui.js';
import { openDrawer, section } from './drawer-parts.js';
import { dryRunPanel } from './dry-run.js';
import { inboundFields, schemeLabel } from './inbound-fields.js';

function facts(hook) {
  const rows = [
    ['ID', h('code', { class: 'mono' }, hook.id)],
    ['Provider', h('code', { class: 'mono' }, hook.provider)],
    ['Receives at', h('code', { class: 'mono' }, `/webhook/${hook.provider}`)],
    ['Signature', schemeLabel(hook.verify)],
    ['Scope', hook.tenantId ? h('code', { class: 'mono' }, hook.tenantId) : 'All tenants'],
    ['Active', hook.isActive ? 'Yes' : 'No: requests are refused'],
    ['Created', formatDate(hook.createdAt)],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** The edit form: PATCHes the scheme, secret, allowed actions and script. */
function editForm(hook, fields, onSaved) {
  const error = formError();
  const save = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', id: 'inbound-edit-save' },
    icon('check'),
    h('span', {}, 'Save changes'),
  );
  const form = h(
    'form',
    {
      class: 'key-form webhook-form inbound-edit',
      id: 'inbound-edit',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void submit();
      },
    },
    h('div', { class: 'webhook-fields' }, fields.elements.filter(Boolean)),
    h('div', { class: 'key-form-end' }, h('span'), save),
    error,
  );

  async function submit() {
    error.hidden = true;
    const read = fields.read();
    if (read.problem) {
      showFormError(error, read.problem);
      read.focus?.focus();
      return;
    }
    await busy(save, async () => {
      try {
        const { webhook } = await api(`webhooks/${seg(hook.id)}`, {
          method: 'PATCH',
          body: read.body,
        });
        toast('Saved the inbound webhook', 'success', webhook.provider);
        await onSaved(webhook);
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  return form;
}

/**
 * Opens the drawer of inbound `hook`. `onSaved(webhook)` runs after an edit was saved (the tab
 * reloads its list); `dryRun` puts the focus on the sample body, for the row's Dry run button.
 */
export function openInboundDrawer(hook, { onSaved, dryRun = false }) {
  const fields = inboundFields('inbound-edit', hook);
  const panel = dryRunPanel({
    prefix: 'dry-run',
    run: (body) =>
      api(`webhooks/${seg(hook.id)}/dry-run`, {
        method: 'POST',
        body: { body, ...fields.draft() },
      }),
  });
  const drawer = openDrawer({
    badge: h('span', { class: 'avatar avatar-key', 'aria-hidden': 'true' }, icon('webhook')),
    title: 'Inbound webhook',
    subtitle: h('p', { class: 'muted mono' }, hook.provider),
    content: [
      section('Webhook', null, facts(hook)),
      section(
        'Dry run',
        'Runs the script and allowed actions as they are in the editor below, saved or not, in the server’s sandbox. Action calls are recorded, not made; no event is emitted.',
        h('div', { class: 'section-body', id: 'inbound-dry-run' }, panel.element),
      ),
      section(
        'Script, actions and signature',
        'The script gets the request’s parsed body as body and the allowed actions as actions; what it assigns to result is emitted as an event.',
        editForm(hook, fields, onSaved),
      ),
    ],
    onClosed: () => drawer.classList.remove('drawer-wide'),
  });
  drawer.classList.add('drawer-wide');
  if (dryRun) panel.focus();
}
