// Building blocks shared by the drawer sections.
import { h, replace } from '../dom.js';
import { errorBlock, loading } from '../ui.js';

/** A titled drawer section. */
export function section(title, description, ...content) {
  return h(
    'section',
    { class: 'drawer-section' },
    h('h3', {}, title),
    description ? h('p', { class: 'muted small' }, description) : null,
    ...content,
  );
}

/** Loads a section's data and renders it, or shows the failure with a retry button. */
export async function fill(container, loader) {
  replace(container, loading());
  try {
    replace(container, await loader());
  } catch (error) {
    replace(
      container,
      errorBlock(error, () => void fill(container, loader)),
    );
  }
}
