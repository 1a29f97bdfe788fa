// DOM building for the panel. Every piece of data reaches the page as a text node or a property
// value, never as markup: there is no innerHTML anywhere in the panel, so a user named
// `<img src=x onerror=alert(1)>` is shown as exactly those characters.

/** Properties that would parse markup or bypass the stylesheet; refused outright. */
const FORBIDDEN = new Set(['innerHTML', 'outerHTML', 'style', 'srcdoc']);

/** Appends children: strings and numbers become text nodes, arrays are flattened, null skipped. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.append(child);
    else parent.append(document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * `h('button', { class: 'btn', onClick: fn, disabled: true }, 'Save')`.
 * `on*` keys add event listeners (never inline handler attributes); boolean values toggle
 * attributes; `dataset` fills data-* attributes; everything else is set as a plain attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (FORBIDDEN.has(key)) throw new Error(`h(): ${key} is not allowed`);
    if (value === undefined || value === null || value === false) continue;
    if (/^on[A-Z]/.test(key)) {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  return append(el, children);
}

/** Replaces an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** `#id` lookup that fails loudly when the page and the script disagree. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el;
}

/** Runs `fn` at most once per `ms` of quiet (search boxes). */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
