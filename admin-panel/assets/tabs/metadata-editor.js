// The Metadata section of the user drawer: a JSON editor that validates as you type.
import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { busy, showError, toast } from '../ui.js';
import { fill, section } from './drawer-parts.js';

function parseMetadata(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${error.message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: 'Metadata must be a JSON object, e.g. { "plan": "pro" }' };
  }
  return { value };
}

/** The section; saving replaces the user's whole metadata document. */
export function metadataSection(user) {
  const body = h('div', { class: 'section-body', id: 'drawer-metadata' });
  const load = async () => {
    const metadata = await api(`users/${seg(user.id)}/metadata`);
    let saved = JSON.stringify(metadata ?? {}, null, 2);
    const editor = h('textarea', {
      class: 'code-editor',
      id: 'drawer-metadata-editor',
      spellcheck: 'false',
      autocapitalize: 'off',
      rows: '8',
      'aria-label': 'Metadata JSON',
      'aria-describedby': 'drawer-metadata-status',
      value: saved,
      onInput: () => validate(),
    });
    const status = h('p', {
      class: 'editor-status',
      id: 'drawer-metadata-status',
      'aria-live': 'polite',
    });
    const save = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary',
        id: 'drawer-metadata-save',
        onClick: () =>
          void busy(save, async () => {
            const parsed = parseMetadata(editor.value);
            if (parsed.error) return;
            try {
              const result = await api(`users/${seg(user.id)}/metadata`, {
                method: 'PUT',
                body: parsed.value,
              });
              saved = JSON.stringify(result.metadata ?? parsed.value, null, 2);
              editor.value = saved;
              toast('Metadata saved');
            } catch (error) {
              showError(error, 'Could not save metadata');
            }
          }).then(validate),
      },
      'Save metadata',
    );
    const format = h(
      'button',
      {
        type: 'button',
        class: 'btn',
        onClick: () => {
          const parsed = parseMetadata(editor.value);
          if (parsed.value) editor.value = JSON.stringify(parsed.value, null, 2);
          validate();
        },
      },
      'Format',
    );
    const revert = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost',
        onClick: () => {
          editor.value = saved;
          validate();
        },
      },
      'Revert',
    );
    function validate() {
      const parsed = parseMetadata(editor.value);
      const dirty = editor.value !== saved;
      editor.classList.toggle('is-invalid', Boolean(parsed.error));
      editor.setAttribute('aria-invalid', String(Boolean(parsed.error)));
      status.classList.toggle('is-error', Boolean(parsed.error));
      status.textContent = parsed.error ?? (dirty ? 'Valid JSON · unsaved changes' : 'Saved');
      save.disabled = Boolean(parsed.error) || !dirty;
      revert.disabled = !dirty;
    }
    validate();
    return [
      editor,
      h(
        'div',
        { class: 'editor-bar' },
        status,
        h('div', { class: 'editor-actions' }, revert, format, save),
      ),
    ];
  };
  void fill(body, load);
  return section(
    'Metadata',
    'Free-form JSON stored for this user. Saving replaces the whole object.',
    body,
  );
}
