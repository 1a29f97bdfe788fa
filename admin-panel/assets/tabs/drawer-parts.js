// Building blocks shared by the drawers (a user's Manage drawer, a tenant's members) and their
// sections.
import { byId, h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { errorBlock, loading } from '../ui.js';

/** Closes the open drawer (the page has one `<dialog id="drawer">`). */
export function closeDrawer() {
  byId('drawer').close();
}

/**
 * Fills the drawer and opens it as a modal: a header with `badge` (an avatar), `title` and
 * `subtitle` and a Close button, then `content`. Escape, Close or a click on the backdrop close
 * it; `onClosed` runs once when it has closed.
 */
export function openDrawer({ badge, title, subtitle, content, onClosed }) {
  const drawer = byId('drawer');
  replace(
    drawer,
    h(
      'div',
      { class: 'drawer-panel' },
      h(
        'header',
        { class: 'drawer-header' },
        badge,
        h('div', { class: 'drawer-title' }, h('h2', { id: 'drawer-title' }, title), subtitle),
        h(
          'button',
          { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onClick: closeDrawer },
          icon('close'),
        ),
      ),
      h('div', { class: 'drawer-content' }, content),
    ),
  );
  const onClose = () => {
    drawer.removeEventListener('close', onClose);
    drawer.removeEventListener('click', onBackdrop);
    onClosed();
  };
  const onBackdrop = (event) => {
    if (event.target === drawer) closeDrawer();
  };
  drawer.addEventListener('close', onClose);
  drawer.addEventListener('click', onBackdrop);
  drawer.showModal();
  return drawer;
}

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
