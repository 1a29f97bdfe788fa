/**
 * `email.siteUrl` as a list: web origins (http/https) and app deep links (`myapp://auth`), the
 * only places links in mails and OAuth redirects may point to.
 */

/**
 * Schemes that are not an app's deep link: script and data URLs run or carry content in the
 * page, local files and browser-internal pages are not a site, and the web schemes are handled
 * as origins. A mailed link or a redirect to any of them is refused at start-up.
 */
const REFUSED_SCHEMES = new Set([
  'javascript:',
  'vbscript:',
  'data:',
  'file:',
  'blob:',
  'about:',
  'filesystem:',
  'view-source:',
  'chrome:',
  'chrome-extension:',
  'moz-extension:',
  'resource:',
  'jar:',
  'ws:',
  'wss:',
  'ftp:',
  'mailto:',
  'tel:',
  'sms:',
  'intent:',
]);

const isWeb = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

/** Why `value` cannot be a site URL, or undefined when it can. */
export function siteUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute URL';
  const url = new URL(value);
  if (isWeb(url)) {
    return /^https?:\/\/[^/]+/i.test(value) ? undefined : 'must be an absolute http(s) URL';
  }
  if (REFUSED_SCHEMES.has(url.protocol)) {
    return `must be an http(s) URL or an app link such as myapp://auth; '${url.protocol}' is refused`;
  }
  // An app link names its target after '//' (myapp://auth): 'myapp:foo' has no such part.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i.test(value)) {
    return 'an app link must have the form scheme://host[/path], e.g. myapp://auth';
  }
  if (url.username || url.password || url.hash) {
    return 'must not carry credentials or a #fragment';
  }
  return undefined;
}

/** The entry as links are built on it: no trailing slash. */
export function normaliseSiteUrl(value: string): string {
  return value.replace(/\/+$/, '');
}

/** True for an http(s) site URL (a web origin), false for an app link. */
export function isWebSiteUrl(value: string): boolean {
  return URL.canParse(value) && isWeb(new URL(value));
}

/**
 * What an `Origin` header says for this entry: the web origin, or `scheme://host` for an app
 * link (WHATWG URLs give custom schemes the opaque origin 'null', which must never match).
 */
export function originOfSiteUrl(value: string): string {
  const url = new URL(value);
  return isWeb(url) ? url.origin : `${url.protocol}//${url.host}`;
}

/**
 * The site a request is for: the entry whose origin is the request's `Origin`, else the first
 * entry. A foreign Origin never selects anything but the default.
 */
export function pickSiteUrl(
  origin: string | undefined,
  siteUrls: readonly string[],
): string | undefined {
  if (origin && origin !== 'null') {
    const match = siteUrls.find((entry) => originOfSiteUrl(entry) === origin);
    if (match) return match;
  }
  return siteUrls[0];
}

/**
 * True when `target` is the app link `entry` or lies beneath it (`myapp://auth` admits
 * `myapp://auth/callback?x=1`, not `myapp://authority`).
 */
export function isUnderAppLink(target: URL, entry: string): boolean {
  const base = new URL(entry);
  if (target.protocol !== base.protocol || target.host !== base.host) return false;
  const root = base.pathname.replace(/\/+$/, '');
  return root === '' || target.pathname === root || target.pathname.startsWith(`${root}/`);
}
