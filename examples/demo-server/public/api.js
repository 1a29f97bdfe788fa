// What every part of the page shares: talking to the keyward router with cookies, and showing
// the outcome. With CSRF on, every unsafe request echoes the csrf-token cookie in the
// X-CSRF-Token header.
export const $ = (sel) => document.querySelector(sel);

export function status(text, isError = false) {
  $('#status').textContent = text;
  $('#status').className = isError ? 'error' : '';
}

const csrf = () =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith('csrf-token='))
    ?.slice(11);

/** A refused request; `code` and `data` are the router's answer, for flows that branch on it. */
export class ApiError extends Error {
  constructor(httpStatus, data) {
    super(`${data.code ?? httpStatus}: ${data.error ?? 'request failed'}`);
    this.status = httpStatus;
    this.code = data.code;
    this.data = data;
  }
}

export async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  const token = csrf();
  if (token) headers['X-CSRF-Token'] = decodeURIComponent(token);
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const formData = (form) => Object.fromEntries(new FormData(form).entries());

/** An event listener that runs `fn` and shows its error, if any, in the status line. */
export const run = (fn) => async (event) => {
  event?.preventDefault();
  try {
    await fn(event);
  } catch (err) {
    status(err.message, true);
  }
};

/** `$(sel).addEventListener(type, run(fn))`. */
export const on = (sel, type, fn) => $(sel).addEventListener(type, run(fn));

/** A new element with text; built with textContent, never HTML, as it shows user input. */
export function el(tag, text = '', className = '') {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}
