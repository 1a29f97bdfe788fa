import type { DoctorFinding, DoctorInput } from './types';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function siteOf(input: DoctorInput): URL | undefined {
  const siteUrl = input.config.email.siteUrl;
  return siteUrl !== undefined && URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
}

/**
 * `cookieOptions.domain` must be a bare host name that covers the site: with a scheme, port or
 * path no cookie can be written (Express refuses it), and a domain the site is not under hides
 * the cookies from it.
 */
function cookieDomain(input: DoctorInput): DoctorFinding[] {
  const domain = input.config.cookies.domain;
  if (domain === undefined) return [];
  if (/[/:\s]/.test(domain)) {
    return [
      {
        level: 'error',
        code: 'COOKIE_DOMAIN_INVALID',
        message: `cookieOptions.domain '${domain}' is not a host name: session cookies cannot be set with it, so cookie sign-ins fail`,
        fix: "Give the host name alone, e.g. 'example.com' (no scheme, port or path)",
      },
    ];
  }
  const bare = domain.replace(/^\./, '').toLowerCase();
  const covers = (host: string) => host === bare || host.endsWith(`.${bare}`);
  const site = siteOf(input);
  if (site) {
    const host = site.hostname.toLowerCase();
    if (covers(host)) return [];
    return [
      mismatch(
        `cookieOptions.domain '${domain}' does not cover the site ${site.origin} (email.siteUrl)`,
        `Set cookieOptions.domain to '${host}' or a parent domain of it, or remove it to scope cookies to the API's host`,
      ),
    ];
  }
  // Without a site URL, the configured origins say where the pages are: one must be covered.
  const origins = configuredOrigins(input);
  if (origins.length === 0 || origins.some((o) => covers(o.hostname.toLowerCase()))) return [];
  return [
    mismatch(
      `cookieOptions.domain '${domain}' covers none of the configured origins (${origins.map((o) => o.origin).join(', ')})`,
      "Set cookieOptions.domain to your pages' domain or a parent of it, or remove it",
    ),
  ];
}

function mismatch(message: string, fix: string): DoctorFinding {
  return { level: 'warn', code: 'COOKIE_DOMAIN_MISMATCH', message, fix };
}

/** The routers' `cors.origins` and `csrf.trustedOrigins` that parse as URLs. */
function configuredOrigins(input: DoctorInput): URL[] {
  const listed = [
    ...input.routers.flatMap((r) => r.cors?.origins ?? []),
    ...(input.config.source.csrf?.trustedOrigins ?? []),
  ];
  return listed.filter((o) => URL.canParse(o)).map((o) => new URL(o));
}

/**
 * Browsers keep `SameSite=None` cookies only when they are `Secure`, and keep `Secure` ones only
 * from HTTPS answers (localhost excepted): over plain http every session cookie is dropped.
 */
function sameSiteNone(input: DoctorInput): DoctorFinding[] {
  const { sameSite, secure } = input.config.cookies;
  if (sameSite !== 'none') return [];
  const site = siteOf(input);
  const plainHttp = site?.protocol === 'http:' && !LOOPBACK_HOSTS.has(site.hostname);
  if (secure && !plainHttp) return [];
  return [
    {
      level: 'error',
      code: 'SAMESITE_NONE_WITHOUT_SECURE',
      message: secure
        ? `cookieOptions.sameSite is 'none' but the site (${site!.origin}) is served over plain http, where Secure cookies are dropped`
        : "cookieOptions.sameSite is 'none' without Secure; browsers drop such cookies",
      fix: "Serve the site and the API over https, or use sameSite 'lax'",
    },
  ];
}

/**
 * A `form_post` provider (Apple) brings the browser back with a cross-site POST; with
 * `SameSite=Strict` session cookies the redirect that follows still counts as cross-site, so
 * the first page after sign-in loads without the session.
 */
function formPostWithStrict(input: DoctorInput): DoctorFinding[] {
  if (input.config.cookies.sameSite !== 'strict') return [];
  const names = new Set<string>();
  for (const router of input.routers) {
    for (const s of router.strategies)
      if (s.settings.responseMode === 'form_post') names.add(s.name);
  }
  if (names.size === 0) return [];
  return [
    {
      level: 'warn',
      code: 'OAUTH_FORM_POST_STRICT_COOKIES',
      message: `OAuth provider(s) ${[...names].join(', ')} call back with a cross-site POST (form_post), but session cookies are SameSite=Strict: the page after sign-in loads signed out`,
      fix: "Use cookieOptions.sameSite 'lax' (the default), or responseMode 'query' where the provider allows it",
    },
  ];
}

/** Cookie attributes against the site and the OAuth providers. */
export function cookieChecks(input: DoctorInput): DoctorFinding[] {
  return [...cookieDomain(input), ...sameSiteNone(input), ...formPostWithStrict(input)];
}
