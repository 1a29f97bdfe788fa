// The API Keys tab's create form, and the banner that shows a new key's raw value the one time
// the server sends it (built by one-time-secret.js, as the Webhooks tab's secret banner is).
import { api } from '../api.js';
import { h } from '../dom.js';
import { oneTimeSecretBanner } from '../one-time-secret.js';
import { addButton, busy, formError, showFormError, toast } from '../ui.js';

/** "a, b c\nd" → ['a', 'b', 'c', 'd']: commas, spaces or new lines separate entries. */
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

/** `YYYY-MM-DD` in local time. */
function localDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * A date input's `YYYY-MM-DD` as the end of that day in the browser's time zone: a key set to
 * expire on the 3rd works all through the 3rd.
 */
function endOfDay(value) {
  const at = new Date(`${value}T23:59:59.999`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

function field(input, label, extra) {
  return h('div', { class: ['field', extra] }, h('label', { for: input.id }, label), input);
}

/**
 * The "New API key" form. `onCreated({ rawKey, apiKey })` runs after the server made the key;
 * a refusal is shown in the form, next to what has to change.
 */
export function createKeyForm(onCreated) {
  const input = (id, props) =>
    h('input', { class: 'input', id, autocomplete: 'off', spellcheck: 'false', ...props });
  const name = input('api-key-name', { placeholder: 'e.g. nightly export', maxlength: '100' });
  const service = input('api-key-service', { placeholder: 'e.g. billing-worker' });
  const scopes = input('api-key-scopes', { placeholder: 'reports:read, exports:write' });
  const expires = h('input', {
    class: 'input',
    id: 'api-key-expires',
    type: 'date',
    min: localDay(new Date()),
  });
  const ips = h('textarea', {
    class: 'input textarea',
    id: 'api-key-ips',
    rows: '2',
    spellcheck: 'false',
    placeholder: '203.0.113.7\n10.0.0.0/8',
  });
  const error = formError();
  const submit = addButton('Create key');
  submit.id = 'api-key-create';

  const form = h(
    'form',
    {
      class: 'key-form',
      novalidate: true,
      onSubmit: (event) => {
        event.preventDefault();
        void create();
      },
    },
    field(name, 'Name'),
    field(service, 'Service id (optional)'),
    field(expires, 'Expires (optional)'),
    field(scopes, 'Scopes, separated by commas', 'field-wide'),
    field(ips, 'Allowed IPs or CIDR ranges, one per line (empty: any)', 'field-wide'),
    h(
      'div',
      { class: 'key-form-end' },
      h(
        'p',
        { class: 'hint' },
        'The key is shown once, right after it is made. Only its hash is stored.',
      ),
      submit,
    ),
    error,
  );

  async function create() {
    error.hidden = true;
    const body = { name: name.value.trim() };
    if (!body.name) {
      showFormError(error, 'Give the key a name, such as the service that will use it.');
      name.focus();
      return;
    }
    if (service.value.trim()) body.serviceId = service.value.trim();
    const scopeList = splitList(scopes.value);
    if (scopeList.length > 0) body.scopes = scopeList;
    const ipList = splitList(ips.value);
    if (ipList.length > 0) body.allowedIps = ipList;
    if (expires.value) {
      body.expiresAt = endOfDay(expires.value);
      if (!body.expiresAt) {
        showFormError(error, 'The expiry date is not a valid date.');
        expires.focus();
        return;
      }
    }
    await busy(submit, async () => {
      try {
        const created = await api('api-keys', { method: 'POST', body });
        toast(`Created API key ${created.apiKey.name}`);
        form.reset();
        await onCreated(created);
      } catch (failure) {
        showFormError(error, failure);
      }
    });
  }

  return form;
}

/**
 * The one-time banner of a new key: the raw key, a Copy button and the warning that it will not
 * be shown again. `onDismiss` removes it.
 */
export function newKeyBanner({ rawKey, apiKey }, onDismiss) {
  return oneTimeSecretBanner({
    prefix: 'api-key',
    iconName: 'key',
    title: 'Copy the new key now',
    warning: [
      `This is the only time the key “${apiKey.name}” (${apiKey.keyPrefix}…) is shown. `,
      'keyward keeps only its hash, so it cannot be shown again: store it in your secret ',
      'manager now. If it is lost, revoke it and create another.',
    ],
    value: rawKey,
    onDismiss,
  });
}
