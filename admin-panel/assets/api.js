// The admin REST API, seen from the browser. The secret lives in sessionStorage: it survives a
// reload of this tab, dies with the tab, is never written to localStorage and never appears in
// a URL (it travels only in the Authorization header).

const SECRET_KEY = 'keyward.admin.secret';

export const secret = {
  get: () => sessionStorage.getItem(SECRET_KEY),
  set: (value) => sessionStorage.setItem(SECRET_KEY, value),
  clear: () => sessionStorage.removeItem(SECRET_KEY),
};

/** An API failure: `message` for people, `code` (the API's stable code) for the panel. */
export class ApiError extends Error {
  constructor(message, code, status, retryAfter) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

let unauthorizedHandler = () => {};

/** Called once when any request is refused with 401 (the secret is no longer valid). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/** A path segment, encoded: ids and role names may contain `/`, `?` or `#`. */
export const seg = (value) => encodeURIComponent(String(value));

/**
 * Calls `api/<path>` relative to the page, so the panel works under any mount path.
 * Resolves the JSON body; rejects with an ApiError carrying the server's `{ error, code }`.
 */
export async function api(path, { method = 'GET', body, query, secret: given } = {}) {
  const url = new URL(`api/${path}`, document.baseURI);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Accept: 'application/json' };
  const token = given ?? secret.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
      redirect: 'error',
    });
  } catch {
    throw new ApiError('Cannot reach the server. Check the connection and retry.', 'NETWORK', 0);
  }

  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const message =
      data && typeof data.error === 'string' ? data.error : `Request failed (HTTP ${res.status})`;
    const code = data && typeof data.code === 'string' ? data.code : `HTTP_${res.status}`;
    const error = new ApiError(message, code, res.status, res.headers.get('Retry-After'));
    // A login attempt reports its own failure; elsewhere a 401 means the secret went stale.
    if (res.status === 401 && given === undefined) unauthorizedHandler(error);
    throw error;
  }
  return data ?? {};
}
