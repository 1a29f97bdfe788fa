// The Webhooks tab's register form (an outgoing webhook, or an inbound one with its script and a
// dry run of the draft), and the banner with a generated signing secret, shown the one time the
// server sends it.
import { api } from '../api.js';
import { h } from '../dom.js';
import { oneTimeSecretBanner } from '../one-time-secret.js';
import { addButton, busy, formError, showFormError, toast } from '../ui.js';
import { dryRunPanel } from './dry-run.js';
import { inboundFields } from './inbound-fields.js';

/** "a, b c" → ['a', 'b', 'c']: commas, spaces or new lines separate event patterns. */
function splitList(text) {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ];
}

function field(input, label, extra) {
  return h('div', { class: ['field', extra] }, h('label', { for: input.id }, label), input);
}

/** The Outgoing / Inbound choice at the top of the form. */
function directionChoice(onChange) {
  const option = (value, title, text) =>
    h(
      'label',
      { class: 'direction-option', for: `webhook-direction-${value}` },
      h('input', {
        type: 'radio',
        name: 'webhook-direction',
        id: `webhook-direction-${value}`,
        value,
        checked: value === 'outgoing',
        onChange: () => onChange(value),
      }),
      h('span', {}, h('strong', {}, title), h('span', { class: 'muted small' }, text)),
    );
  return h(
    'div',
    { class: 'direction-choice field-span', role: 'radiogroup', 'aria-label': 'Direction' },
    option('outgoing', 'Outgoing', 'keyward POSTs its events to your endpoint.'),
    option('inbound', 'Inbound', 'A provider POSTs to keyward; a script turns it into events.'),
  );
}

/** The inbound half of the form, with a dry run of the draft script folded under it. */
function inboundGroup() {
  let fields = inboundFields('inbound');
  const slot = h('div', { class: 'webhook-fields' });
  function build() {
    const { element } = dryRunPanel({
      prefix: 'draft-dry-run',
      intro:
        'Runs the script above as it stands, with the ticked actions, against a sample body. Nothing is saved.',
      run: (body) => api('webhooks/dry-run', { method: 'POST', body: { ...fields.draft(), body } }),
    });
    slot.replaceChildren(
      ...fields.elements.filter(Boolean),
      h(
        'details',
        { class: 'dry-run-draft field-span', id: 'draft-dry-run' },
        h('summary', {}, 'Dry run this draft'),
        element,
      ),
    );
  }
  build();
  return {
    element: slot,
    fields: () => fields,
    /** Empties the fields after a registration (the checklist is fetched again). */
    reset() {
      fields = inboundFields('inbound');
      build();
    },
  };
}

/**
 * The "Register a webhook" form. `onCreated({ webhook, secret? })` runs after the server saved
 * it; a refusal (a URL that reaches a private address, a malformed pattern, a provider that has
 * an active webhook) is shown in the form.
 */
export function createWebhookForm(onCreated) {
  const input = (id, props) =>
    h('input', { class: 'input', id, autocomplete: 'off', spellcheck: 'false', ...props });
  const url = input('webhook-url', {
    type: 'url',
    placeholder: 'https:// address of the receiver',
    maxlength: '2048',
  });
  const events = input('webhook-events', { placeholder: '* (every event), identity.auth.*, …' });
  const tenant = input('webhook-tenant', { placeholder: 'Every tenant' });
  const secret = input('webhook-secret', {
    type: 'password',
    placeholder: 'Leave empty to generate one',
    autocomplete: 'new-password',
  });
  const error = formError();
  const submit = addButton('Register webhook');
  submit.id = 'webhook-create';
  let direction = 'outgoing';
  let inbound = null;
  const outgoing = h(
    'div',
    { class: 'webhook-fields' },
    field(url, 'Endpoint URL', 'field-span'),
    field(events, 'Events, separated by commas'),
    field(tenant, 'Tenant id (optional)'),
    field(secret, 'Signing secret (optional)'),
  );
  const hint = h('p', { class: 'hint' });
  const inboundSlot = h('div', { class: 'webhook-fields-slot', hidden: true });

  function choose(value) {
    direction = value;
    error.hidden = true;
    // The inbound fields load the actions list, so they are built when first wanted.
    if (value === 'inbound' && !inbound) {
      inbound = inboundGroup();
      inboundSlot.append(inbound.element);
    }
    outgoing.hidden = value !== 'outgoing';
    inboundSlot.hidden = value !== 'inbound';
    hint.textContent =
      value === 'outgoing'
        ? 'Deliveries are signed (Standard Webhooks). A generated secret is shown once, right after registration.'
        : 'Requests that fail the signature check run nothing. A generated secret is shown once: paste it into the provider’s settings.';
  }

  const form = h(
    'form',
    {
      class: 'key-form webhook-form',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void create();
      },
    },
    directionChoice(choose),
    outgoing,
    inboundSlot,
    h('div', { class: 'key-form-end' }, hint, submit),
    error,
  );
  choose('outgoing');

  async function createInbound() {
    const read = inbound.fields().read();
    if (read.problem) {
      showFormError(error, read.problem);
      read.focus?.focus();
      return;
    }
    await send(read.body, `Inbound from ${read.body.provider}`);
  }

  /** POSTs `body`; on success empties the form and hands the answer on. */
  async function send(body, label) {
    await busy(submit, async () => {
      try {
        const created = await api('webhooks', { method: 'POST', body });
        toast('Registered webhook', 'success', label);
        // reset() puts back what the markup says, not what was built: both halves are rebuilt.
        form.reset();
        inbound?.reset();
        form.querySelector(`#webhook-direction-${direction}`).checked = true;
        await onCreated(created);
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  async function create() {
    error.hidden = true;
    if (direction === 'inbound') {
      await createInbound();
      return;
    }
    const body = { url: url.value.trim() };
    if (!body.url) {
      showFormError(error, 'Give the URL that should receive the events.');
      url.focus();
      return;
    }
    const patterns = splitList(events.value);
    if (patterns.length > 0) body.events = patterns;
    if (tenant.value.trim()) body.tenantId = tenant.value.trim();
    if (secret.value) body.secret = secret.value;
    await send(body, body.url);
  }

  return form;
}

/** The one-time banner of a generated signing secret. `onDismiss` removes it. */
export function newSecretBanner({ webhook, secret }, onDismiss) {
  const warning =
    webhook.direction === 'inbound'
      ? [
          `This is the only time the signing secret of the inbound webhook ${webhook.provider} is shown. `,
          'Paste it into the provider’s webhook settings: requests it signs with another secret run ',
          'nothing. keyward cannot show it again: if it is lost, set a new one by editing the webhook.',
        ]
      : null;
  return oneTimeSecretBanner({
    prefix: 'webhook-secret',
    iconName: 'webhook',
    title: 'Copy the signing secret now',
    warning: warning ?? [
      `This is the only time the signing secret of ${webhook.url} is shown. `,
      'Give it to the receiver, which verifies each delivery with it (Standard Webhooks ',
      'libraries take it as it is, whsec_ prefix included). keyward cannot show it again: if ',
      'it is lost, set a new one through the admin API or register the webhook again.',
    ],
    value: secret,
    onDismiss,
  });
}
