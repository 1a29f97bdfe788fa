// The banner that shows a secret the one time the server sends it (a new API key, a webhook's
// signing secret): the value, a Copy button, the warning, and a button to dismiss it.
import { h } from './dom.js';
import { icon } from './icons.js';

/** Selects an element's text, so the secret can be copied by hand when the clipboard is refused. */
function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

/**
 * Builds the banner. Element ids start with `prefix` (`${prefix}-banner`, `-raw`, `-warning`,
 * `-copy`, `-copy-status`, `-banner-done`). `warning` is the text under the title; Copy uses the
 * clipboard API and, where the browser refuses (no permission, not a secure context), selects
 * the value and says to press Ctrl+C. `onDismiss` removes it. Returns the banner and `focus()`.
 */
export function oneTimeSecretBanner({ prefix, iconName, title, warning, value, onDismiss }) {
  const secret = h(
    'code',
    {
      class: 'key-secret-value',
      id: `${prefix}-raw`,
      tabindex: '0',
      onClick: () => selectText(secret),
    },
    value,
  );
  const status = h('p', { class: 'key-copy-status', id: `${prefix}-copy-status`, hidden: true });

  async function copy() {
    try {
      const clipboard = window.navigator.clipboard;
      if (!clipboard) throw new Error('No clipboard here');
      await clipboard.writeText(value);
      status.textContent = 'Copied to the clipboard.';
      status.classList.remove('is-manual');
    } catch {
      selectText(secret);
      status.textContent =
        'The browser did not allow copying: the value is selected, press Ctrl+C (⌘C on a Mac).';
      status.classList.add('is-manual');
    }
    status.hidden = false;
  }

  const heading = h(
    'h2',
    { class: 'card-title', id: `${prefix}-banner-title`, tabindex: '-1' },
    title,
  );
  const banner = h(
    'section',
    { class: 'card card-pad key-banner', id: `${prefix}-banner`, 'aria-labelledby': heading.id },
    h(
      'div',
      { class: 'key-banner-head' },
      h('span', { class: 'key-banner-icon' }, icon(iconName)),
      h(
        'div',
        {},
        heading,
        h('p', { class: 'key-banner-warning', id: `${prefix}-warning` }, warning),
      ),
    ),
    h(
      'div',
      { class: 'key-secret' },
      secret,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary',
          id: `${prefix}-copy`,
          onClick: () => void copy(),
        },
        icon('copy'),
        h('span', {}, 'Copy'),
      ),
    ),
    status,
    h(
      'div',
      { class: 'key-banner-actions' },
      h(
        'button',
        { type: 'button', class: 'btn', id: `${prefix}-banner-done`, onClick: onDismiss },
        icon('check'),
        h('span', {}, 'I have stored it'),
      ),
    ),
  );
  return { banner, focus: () => heading.focus() };
}
