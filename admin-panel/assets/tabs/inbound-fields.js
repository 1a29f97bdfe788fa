// The fields of an inbound webhook, shared by the register form and the edit drawer: provider,
// signature scheme (with the generic HMAC's details), secret, allowed actions, script, tenant.
// `read()` turns them into the admin API's body, or names the field to fix.
import { h } from '../dom.js';
import { actionsChecklist } from './action-checklist.js';

const SCHEMES = [
  ['github', 'GitHub (X-Hub-Signature-256)'],
  ['stripe', 'Stripe (Stripe-Signature)'],
  ['standard', 'Standard Webhooks'],
  ['hmac', 'Generic HMAC'],
];

/** How the listing and the drawer name a webhook's signature scheme. */
export function schemeLabel(verify) {
  if (verify && typeof verify === 'object') {
    return `HMAC ${verify.algorithm ?? 'sha256'} (${verify.header})`;
  }
  return { github: 'GitHub', stripe: 'Stripe', standard: 'Standard Webhooks' }[verify] ?? 'None';
}

const PROVIDER = /^[A-Za-z0-9_.-]{1,64}$/;
const HEADER = /^[A-Za-z0-9-]{1,100}$/;

function field(input, label, extra, hint) {
  return h(
    'div',
    { class: ['field', extra] },
    h('label', { for: input.id }, label),
    input,
    hint ? h('p', { class: 'hint' }, hint) : null,
  );
}

function select(id, options, value) {
  return h(
    'select',
    { class: 'select', id },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

/**
 * Builds the fields. `hook` (an AdminWebhook) fills them for editing: the provider is then fixed
 * and an empty secret keeps the current one. Ids start with `prefix`.
 */
export function inboundFields(prefix, hook) {
  const editing = Boolean(hook);
  const verify = hook?.verify ?? 'github';
  const hmac = verify && typeof verify === 'object' ? verify : {};
  const input = (name, props) =>
    h('input', {
      class: 'input',
      id: `${prefix}-${name}`,
      autocomplete: 'off',
      spellcheck: 'false',
      ...props,
    });

  const provider = editing
    ? null
    : input('provider', { placeholder: 'github, stripe, billing…', maxlength: '64' });
  const scheme = select(`${prefix}-verify`, SCHEMES, typeof verify === 'object' ? 'hmac' : verify);
  const header = input('hmac-header', { value: hmac.header ?? '', placeholder: 'X-Signature' });
  const algorithm = select(
    `${prefix}-hmac-algorithm`,
    [
      ['sha256', 'SHA-256'],
      ['sha512', 'SHA-512'],
    ],
    hmac.algorithm ?? 'sha256',
  );
  const encoding = select(
    `${prefix}-hmac-encoding`,
    [
      ['hex', 'Hex'],
      ['base64', 'Base64'],
    ],
    hmac.encoding ?? 'hex',
  );
  const prefixInput = input('hmac-prefix', { value: hmac.prefix ?? '', placeholder: 'sha256=' });
  const deliveryHeader = input('hmac-delivery', {
    value: hmac.deliveryIdHeader ?? '',
    placeholder: 'X-Delivery-Id (replay protection)',
  });
  const hmacGroup = h(
    'fieldset',
    { class: 'hmac-fields', id: `${prefix}-hmac` },
    h('legend', {}, 'Generic HMAC'),
    field(header, 'Signature header'),
    field(algorithm, 'Algorithm'),
    field(encoding, 'Encoding'),
    field(prefixInput, 'Prefix (optional)'),
    field(deliveryHeader, 'Delivery-id header (optional)'),
  );
  const showHmac = () => {
    hmacGroup.hidden = scheme.value !== 'hmac';
  };
  scheme.addEventListener('change', showHmac);
  showHmac();

  const secret = input('secret', {
    type: 'password',
    autocomplete: 'new-password',
    placeholder: editing ? 'Leave empty to keep the current one' : 'Leave empty to generate one',
  });
  const tenant = editing
    ? null
    : input('tenant', { placeholder: 'Every tenant', value: hook?.tenantId ?? '' });
  const script = h('textarea', {
    class: 'input textarea script-editor',
    id: `${prefix}-script`,
    rows: '10',
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder:
      "if (body.action === 'cancelled') {\n  await actions['subscription.cancel'](body.id);\n  result = { event: 'billing.subscription.cancelled', data: { id: body.id } };\n}",
    value: hook?.jsScript ?? '',
  });
  const actions = actionsChecklist(prefix, hook?.allowedActions ?? []);
  const active = editing
    ? null
    : h('input', { type: 'checkbox', class: 'check', id: `${prefix}-active`, checked: true });

  const elements = [
    provider
      ? field(
          provider,
          'Provider',
          null,
          'Requests arrive at the tools router’s /webhook/<provider>.',
        )
      : null,
    field(scheme, 'Signature scheme'),
    field(
      secret,
      editing ? 'New signing secret (optional)' : 'Signing secret (optional)',
      null,
      'Stripe issues its own (whsec_…): paste it here.',
    ),
    hmacGroup,
    tenant ? field(tenant, 'Tenant id (optional)') : null,
    h(
      'fieldset',
      { class: 'field field-span action-checks-field' },
      h('legend', {}, 'Allowed actions'),
      actions.element,
    ),
    field(script, 'Script', 'field-span'),
    active
      ? h('label', { class: 'check-line', for: active.id }, active, h('span', {}, 'Active'))
      : null,
  ];

  /** The verify value as the API takes it, or a problem. */
  function readVerify() {
    if (scheme.value !== 'hmac') return { value: scheme.value };
    const name = header.value.trim();
    if (!HEADER.test(name))
      return { problem: 'Give the header that carries the signature.', focus: header };
    const delivery = deliveryHeader.value.trim();
    if (delivery && !HEADER.test(delivery)) {
      return { problem: 'The delivery-id header must be a header name.', focus: deliveryHeader };
    }
    return {
      value: {
        kind: 'hmac',
        header: name,
        algorithm: algorithm.value,
        encoding: encoding.value,
        ...(prefixInput.value && { prefix: prefixInput.value }),
        ...(delivery && { deliveryIdHeader: delivery }),
      },
    };
  }

  /** The POST (or PATCH, when editing) body, or `{ problem, focus }`. */
  function read() {
    const body = {};
    if (provider) {
      body.provider = provider.value.trim();
      if (!PROVIDER.test(body.provider)) {
        return {
          problem: 'Name the provider: letters, digits and . _ - (at most 64).',
          focus: provider,
        };
      }
    }
    const chosen = readVerify();
    if (chosen.problem) return chosen;
    body.verify = chosen.value;
    if (chosen.value === 'stripe' && !secret.value && !hook?.hasSecret) {
      return { problem: 'Stripe issues the signing secret: paste it.', focus: secret };
    }
    if (secret.value) body.secret = secret.value;
    body.allowedActions = actions.value();
    body.jsScript = script.value;
    if (tenant && tenant.value.trim()) body.tenantId = tenant.value.trim();
    if (active) body.isActive = active.checked;
    return { body };
  }

  return {
    elements,
    read,
    /** What a dry run of the draft needs: the script and actions as they stand. */
    draft: () => ({ jsScript: script.value, allowedActions: actions.value() }),
    focus: () => (provider ?? script).focus(),
  };
}
