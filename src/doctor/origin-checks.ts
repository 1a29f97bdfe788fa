import type { DoctorFinding, DoctorInput } from './types';

/**
 * Why `value` is not an origin as browsers send it in the `Origin` header, or undefined when it
 * is one. keyward compares origins exactly, so anything else never matches a request.
 */
export function originProblem(value: string): string | undefined {
  if (value.includes('*')) return 'wildcards are not supported (origins are compared exactly)';
  if (!URL.canParse(value)) return 'is not an absolute URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'is not an http(s) origin';
  if (url.username || url.password) return 'carries credentials';
  if (url.pathname !== '/' || url.search || url.hash) return 'has a path, query or fragment';
  if (value.endsWith('/')) return 'ends with a slash';
  if (value !== url.origin) return `is not written as browsers send it ('${url.origin}')`;
  return undefined;
}

function fixFor(value: string): string {
  if (!value.includes('*') && URL.canParse(value)) {
    const origin = new URL(value).origin;
    if (origin !== 'null') return `Write '${origin}'`;
  }
  return "List each origin in full, as scheme://host[:port], e.g. 'https://app.example.com'";
}

/**
 * A wildcard or a non-URL never matches (error); a trailing slash is forgiven by keyward's own
 * comparisons but not by other CORS layers (info); any other difference fails CORS (warn).
 */
function levelOf(value: string): DoctorFinding['level'] {
  if (value.includes('*') || !URL.canParse(value)) return 'error';
  return value.replace(/\/+$/, '') === new URL(value).origin ? 'info' : 'warn';
}

/** `cors.origins` of every router and `csrf.trustedOrigins` must be bare origins. */
export function originChecks(input: DoctorInput): DoctorFinding[] {
  const listed: Array<[string, string]> = [];
  for (const router of input.routers) {
    for (const origin of router.cors?.origins ?? []) listed.push(['cors.origins', origin]);
  }
  for (const origin of input.config.source.csrf?.trustedOrigins ?? []) {
    listed.push(['csrf.trustedOrigins', origin]);
  }
  const findings: DoctorFinding[] = [];
  const seen = new Set<string>();
  for (const [option, value] of listed) {
    const problem = originProblem(value);
    const key = `${option} ${value}`;
    if (problem === undefined || seen.has(key)) continue;
    seen.add(key);
    findings.push({
      level: levelOf(value),
      code: 'ALLOWED_ORIGIN_INVALID',
      message: `${option} entry '${value}' ${problem}`,
      fix: fixFor(value),
    });
  }
  return findings;
}
