import type { DoctorFinding, DoctorInput } from './types';

/**
 * Words people type where a random secret belongs. A secret from a CSPRNG contains any of
 * these by chance about once in a million; one typed by hand often does.
 */
const PLACEHOLDER_WORDS = [
  'changeme',
  'change-me',
  'change_me',
  'secret',
  'password',
  'passwd',
  'example',
  'default',
  'sample',
  'placeholder',
  'replace',
  'your',
  'test',
  'keyward',
  'qwerty',
  'letmein',
  'admin',
  'abcdef',
  '123456',
  '012345',
  'xxxx',
  'todo',
];

/** Below this estimate (characters × Shannon entropy of their distribution) a secret is weak. */
const MIN_ESTIMATED_BITS = 96;

/** Shannon entropy of the character distribution times the length: a rough upper bound in bits. */
function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let perChar = 0;
  for (const c of counts.values()) perChar -= (c / n) * Math.log2(c / n);
  return perChar * n;
}

/** Why `value` looks chosen by a person rather than drawn at random, or undefined. */
export function weakSecretReason(value: string): string | undefined {
  const lower = value.toLowerCase();
  // The word itself is not named: findings are logged, and logs must not spell out secrets.
  if (PLACEHOLDER_WORDS.some((w) => lower.includes(w))) return 'contains a placeholder word';
  if (/^(.+?)\1+$/s.test(value)) return 'is one short part repeated';
  if (/(.)\1{5,}/s.test(value)) return 'repeats one character';
  if (new Set(value).size < 10) return 'uses fewer than 10 different characters';
  if (estimatedBits(value) < MIN_ESTIMATED_BITS) return 'has too little variety for its length';
  return undefined;
}

const FIX =
  'Use 32+ random bytes, e.g. the output of `openssl rand -base64 48`, from a secret manager';

/** The signing secrets and the router's cleanup secret; the finding never repeats the secret. */
export function secretChecks(input: DoctorInput): DoctorFinding[] {
  const named: Array<[string, string | undefined]> = [
    ['accessTokenSecret', input.config.source.accessTokenSecret],
    ['refreshTokenSecret', input.config.source.refreshTokenSecret],
    ...input.routers.map((r): [string, string | undefined] => [
      'sessionCleanupSecret',
      r.sessionCleanupSecret,
    ]),
  ];
  const findings: DoctorFinding[] = [];
  const reported = new Set<string>();
  for (const [name, value] of named) {
    if (value === undefined || reported.has(name)) continue;
    const reason = weakSecretReason(value);
    if (reason === undefined) continue;
    reported.add(name);
    findings.push({
      level: 'warn',
      code: 'WEAK_SECRET',
      message: `${name} looks low-entropy: it ${reason}`,
      fix: FIX,
    });
  }
  return findings;
}
