/**
 * A small browser for the OAuth tests: a cookie jar (path-scoped, expiring, like a browser's for
 * one host) and a redirect follower that can stop at, or rewrite, any hop.
 */
import { SITE_URL } from '../helpers/app';

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires: number | undefined;
}

export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  /** Takes the Set-Cookie headers of a response. */
  store(res: Response, url: URL): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const cookie: StoredCookie = {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        path: defaultPath(url),
        expires: undefined,
      };
      for (const attr of attrs) {
        const [key = '', value = ''] = attr.split('=');
        const k = key.toLowerCase();
        if (k === 'path' && value.startsWith('/')) cookie.path = value;
        if (k === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
        if (k === 'expires' && cookie.expires === undefined) cookie.expires = Date.parse(value);
      }
      const key = `${cookie.name}\0${cookie.path}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, cookie);
    }
  }

  /** The Cookie header for `url`. */
  header(url: URL): string {
    const now = Date.now();
    return [...this.cookies.values()]
      .filter((c) => (c.expires === undefined || c.expires > now) && pathMatches(url, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get(name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.name === name)?.value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** A copy, e.g. to replay a callback later with the cookies it had. */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.cookies) copy.cookies.set(k, { ...v });
    return copy;
  }
}

function defaultPath(url: URL): string {
  const path = url.pathname;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function pathMatches(url: URL, path: string): boolean {
  const p = url.pathname;
  return p === path || (p.startsWith(path) && (path.endsWith('/') || p[path.length] === '/'));
}

/** One request with the jar's cookies, no redirect following. */
export async function send(
  jar: CookieJar,
  url: string | URL,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<Response> {
  const target = new URL(url);
  const headers: Record<string, string> = { cookie: jar.header(target) };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(target, {
    method: init.method ?? 'GET',
    headers,
    body,
    redirect: 'manual',
  });
  jar.store(res, target);
  return res;
}

export interface BrowseOptions {
  /** The account the identity provider signs in (`?login=` on its interaction page). */
  login?: string;
  /** Stops before following a hop to a URL for which this returns true. */
  stopAt?: (url: URL) => boolean;
  /** Rewrites a hop before following it. */
  rewrite?: (url: URL) => URL;
}

export interface BrowseResult {
  /** Where the browser was last sent (not fetched when it is the site or `stopAt` matched). */
  location: URL;
  /** The last response received. */
  response: Response;
}

/** The site (`email.siteUrl`) the app redirects to. */
export const SITE = SITE_URL;

/** The error code of an `{site}/auth/error?code=…` redirect. */
export const errorCode = (url: URL) =>
  url.pathname === '/auth/error' ? url.searchParams.get('code') : `not an error page: ${url.href}`;

/**
 * Follows redirects from `start` like a browser would, including a `form_post` page (an
 * auto-submitted form), until the browser leaves 127.0.0.1 or is sent to a URL `stopAt` picks.
 */
export async function browse(
  jar: CookieJar,
  start: string | URL,
  options: BrowseOptions = {},
): Promise<BrowseResult> {
  let url = new URL(start);
  let init: { method?: string; form?: Record<string, string> } = {};
  for (let hop = 0; hop < 20; hop++) {
    if (options.login && url.pathname.startsWith('/interaction/')) {
      url.searchParams.set('login', options.login);
    }
    const response = await send(jar, url, init);
    init = {};
    let next: URL | undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      next = new URL(location, url);
      await response.body?.cancel();
    } else if (response.status === 200) {
      const html = await response.text();
      const form = parseForm(html);
      if (!form) return { location: url, response };
      next = new URL(form.action, url);
      init = { method: 'POST', form: form.fields };
    } else {
      return { location: url, response };
    }
    if (options.rewrite) next = options.rewrite(next);
    // The site and the allowed origins are not served in the tests: being sent there is the end.
    if (next.hostname !== '127.0.0.1' || options.stopAt?.(next)) {
      return { location: next, response };
    }
    url = next;
  }
  throw new Error('too many redirects');
}

/** The auto-submitting form of a `response_mode=form_post` page. */
function parseForm(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
  if (!form?.[1]) return null;
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) {
    fields[decode(input[1]!)] = decode(input[2]!);
  }
  return { action: decode(form[1]), fields };
}

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
