// The Webhooks tab's register form, and the banner with a generated signing secret, shown the
// one time the server sends it.
import { api } from '../api.js';
import { h } from '../dom.js';
import { oneTimeSecretBanner } from '../one-time-secret.js';
import { addButton, busy, formError, showFormError, toast } from '../ui.js';

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

/**
 * The "Register a webhook" form. `onCreated({ webhook, secret? })` runs after the server saved
 * it; a refusal (a URL that reaches a private address, a malformed pattern) is shown in the form.
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
    field(url, 'Endpoint URL', 'field-span'),
    field(events, 'Events, separated by commas'),
    field(tenant, 'Tenant id (optional)'),
    field(secret, 'Signing secret (optional)'),
    h(
      'div',
      { class: 'key-form-end' },
      h(
        'p',
        { class: 'hint' },
        'Deliveries are signed (Standard Webhooks). A generated secret is shown once, right after registration.',
      ),
      submit,
    ),
    error,
  );

  async function create() {
    error.hidden = true;
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
    await busy(submit, async () => {
      try {
        const created = await api('webhooks', { method: 'POST', body });
        toast('Registered webhook', 'success', created.webhook.url);
        form.reset();
        await onCreated(created);
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  return form;
}

/** The one-time banner of a generated signing secret. `onDismiss` removes it. */
export function newSecretBanner({ webhook, secret }, onDismiss) {
  return oneTimeSecretBanner({
    prefix: 'webhook-secret',
    iconName: 'webhook',
    title: 'Copy the signing secret now',
    warning: [
      `This is the only time the signing secret of ${webhook.url} is shown. `,
      'Give it to the receiver, which verifies each delivery with it (Standard Webhooks ',
      'libraries take it as it is, whsec_ prefix included). keyward cannot show it again: if ',
      'it is lost, set a new one through the admin API or register the webhook again.',
    ],
    value: secret,
    onDismiss,
  });
}
