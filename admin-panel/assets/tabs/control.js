// Control tab: run-time policy kept in the settings store (email verification mode, mandatory
// 2FA, the actions inbound webhook scripts may call). Each change is saved at once and confirmed
// with a toast; a failure puts the control back.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBlock, loading, pageHeader, showError, toast } from '../ui.js';
import { webhookActionsCard } from './webhook-actions-card.js';

const MODES = [
  {
    value: 'none',
    title: 'Not required',
    text: 'Users sign in without verifying their email address.',
  },
  {
    value: 'lazy',
    title: 'Grace period',
    text: 'Sign-in works until the verification deadline, then needs a verified address.',
  },
  {
    value: 'strict',
    title: 'Required',
    text: 'Sign-in needs a verified email address from the start.',
  },
];

const KNOWN = new Set(['emailVerificationMode', 'require2FA', 'enabledWebhookActions']);

function show(value) {
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export async function render(view, { features = {} } = {}) {
  const body = h('div', { class: 'control-grid' });
  view.append(
    pageHeader('Control', 'Sign-in policy for every user, changed at run time without a redeploy.'),
    body,
  );

  async function save(patch, describe, revert) {
    try {
      const { settings } = await api('settings', { method: 'PUT', body: patch });
      toast(describe(settings ?? patch));
      return settings;
    } catch (error) {
      revert();
      showError(error, 'Could not save the setting');
      return undefined;
    }
  }

  function verificationCard(settings) {
    let current = settings.emailVerificationMode;
    const note = h(
      'p',
      { class: 'muted small' },
      current ? '' : 'Not set here: the application’s configuration applies until you pick a mode.',
    );
    const group = h(
      'div',
      { class: 'radio-cards', role: 'radiogroup', 'aria-labelledby': 'control-verification-title' },
      MODES.map((mode) => {
        const input = h('input', {
          type: 'radio',
          name: 'emailVerificationMode',
          value: mode.value,
          id: `mode-${mode.value}`,
          checked: current === mode.value,
          onChange: async () => {
            const previous = current;
            current = mode.value;
            note.textContent = '';
            group.setAttribute('aria-busy', 'true');
            await save(
              { emailVerificationMode: mode.value },
              () => `Email verification: ${mode.title.toLowerCase()}`,
              () => {
                current = previous;
                for (const radio of group.querySelectorAll('input'))
                  radio.checked = radio.value === previous;
              },
            );
            group.removeAttribute('aria-busy');
          },
        });
        return h(
          'label',
          { class: 'radio-card', for: `mode-${mode.value}` },
          input,
          h(
            'span',
            { class: 'radio-card-text' },
            h('strong', {}, mode.title),
            h('span', { class: 'muted small' }, mode.text),
          ),
        );
      }),
    );
    return h(
      'section',
      { class: 'card card-pad' },
      h('h2', { class: 'card-title', id: 'control-verification-title' }, 'Email verification'),
      h('p', { class: 'muted' }, 'When users must have confirmed their email address to sign in.'),
      group,
      note,
    );
  }

  function twoFactorCard(settings) {
    const state = h('span', { class: 'switch-state' });
    const toggle = h('input', {
      type: 'checkbox',
      role: 'switch',
      id: 'control-require-2fa',
      class: 'switch-input',
      checked: settings.require2FA === true,
      onChange: async () => {
        const wanted = toggle.checked;
        toggle.disabled = true;
        paint();
        await save(
          { require2FA: wanted },
          () =>
            wanted
              ? 'Two-factor authentication is now mandatory'
              : 'Two-factor authentication is now optional',
          () => {
            toggle.checked = !wanted;
          },
        );
        toggle.disabled = false;
        paint();
      },
    });
    function paint() {
      state.textContent = toggle.checked ? 'On' : 'Off';
    }
    paint();
    return h(
      'section',
      { class: 'card card-pad' },
      h('h2', { class: 'card-title' }, 'Mandatory two-factor authentication'),
      h(
        'p',
        { class: 'muted' },
        'Every user must complete a second factor at sign-in; users without one are asked to set it up.',
      ),
      h(
        'label',
        { class: 'switch', for: 'control-require-2fa' },
        toggle,
        h(
          'span',
          { class: 'switch-track', 'aria-hidden': 'true' },
          h('span', { class: 'switch-thumb' }),
        ),
        h('span', { class: 'switch-label' }, 'Require 2FA for all users'),
        state,
      ),
    );
  }

  function otherCard(settings) {
    const rest = Object.entries(settings).filter(([key]) => !KNOWN.has(key));
    if (rest.length === 0) return null;
    return h(
      'section',
      { class: 'card card-pad card-wide' },
      h('h2', { class: 'card-title' }, 'Other settings'),
      h(
        'p',
        { class: 'muted' },
        'Kept in the settings store by your application; shown read-only.',
      ),
      h(
        'dl',
        { class: 'facts' },
        rest.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono' }, show(v))]),
      ),
    );
  }

  async function load() {
    replace(body, loading());
    try {
      // The actions card only where the admin router has a settings store to keep them in.
      const [answer, actions] = await Promise.all([
        api('settings'),
        features.webhookActions ? api('webhook-actions') : null,
      ]);
      // The settings object itself (the reference's shape); an empty store answers {}.
      const settings = answer ?? {};
      replace(
        body,
        verificationCard(settings),
        twoFactorCard(settings),
        actions
          ? webhookActionsCard({ actions: actions.actions ?? [], enabled: actions.enabled ?? [] })
          : null,
        otherCard(settings),
      );
    } catch (error) {
      replace(
        body,
        errorBlock(error, () => void load()),
      );
    }
  }

  await load();
}
