// Building blocks of test/fuzz.test.ts: a keep-alive HTTP client that sends requests byte for
// byte (no URL normalisation, so `..` and `%00` reach the server as written), the checks every
// answer must pass, and fast-check arbitraries for paths, headers, cookies, queries and bodies.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';

/** One request as the fuzzer sends it. Strings may carry {@link Marker}s, filled at send time. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body?: string | Uint8Array;
}

export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * Values that only exist at run time (tokens of live sessions, ids of seeded users): the
 * arbitraries write `@@NAME@@` and {@link fill} replaces it just before sending, so a printed
 * counterexample stays readable and its shape reproducible.
 */
export const MARKERS = [
  'ACCESS',
  'REFRESH',
  'COOKIE_ACCESS',
  'COOKIE_REFRESH',
  'CSRF',
  'TEMP',
  'EMAIL',
  'EMAIL_2FA',
  'USER_ID',
  'SID',
  'MAIL_TOKEN',
  'SMS_CODE',
  'SIGNED_JWT',
] as const;
export type Marker = (typeof MARKERS)[number];
export const marker = (name: Marker) => `@@${name}@@`;

/** Replaces every marker in `text` with its current value. */
export function fill(text: string, values: Record<Marker, string>): string {
  return text.replace(/@@([A-Z_]+)@@/g, (whole, name: string) =>
    name in values ? values[name as Marker] : whole,
  );
}

/** A server on 127.0.0.1 and a keep-alive client for it. */
export async function startFuzzServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  function send(req: FuzzRequest): Promise<FuzzResponse> {
    return new Promise((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of req.headers) headers[name] = value;
      if (body) headers['content-length'] = body.length;
      const out = http.request(
        { host: '127.0.0.1', port, agent, method: req.method, path: req.path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      out.setTimeout(10_000, () => out.destroy(new Error('no answer within 10 s')));
      out.on('error', reject);
      out.end(body);
    });
  }

  async function close() {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { send, close };
}

/** What a stack trace or an internal path looks like in an answer. */
const LEAKS: RegExp[] = [
  /node_modules/,
  /\.[cm]?[jt]sx?:\d+/, // file.ts:12
  /\bat (?:async )?[\w$.<>[\] ]*\(?(?:\/|[A-Za-z]:\\|node:|file:)/, // "at fn (/src/x"
  /Error: [^\n]*\n\s*at /,
];

/**
 * The properties every answer must have: no 5xx, nothing that looks like a stack trace or a
 * source path in the headers or body, and a JSON 4xx shaped `{ error: string, code: string }`.
 * Returns the problem, or undefined.
 */
export function problemWith(res: FuzzResponse): string | undefined {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 300)}`;
  const headerText = Object.entries(res.headers)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('\n');
  for (const leak of LEAKS) {
    if (leak.test(res.text)) return `body leaks ${leak}: ${res.text.slice(0, 300)}`;
    if (leak.test(headerText)) return `headers leak ${leak}: ${headerText.slice(0, 300)}`;
  }
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 400 && /json/i.test(type) && res.text !== '') {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return `a ${res.status} says JSON but is not: ${res.text.slice(0, 300)}`;
    }
    const b = body as { error?: unknown; code?: unknown } | null;
    if (
      typeof b !== 'object' ||
      b === null ||
      typeof b.error !== 'string' ||
      typeof b.code !== 'string'
    ) {
      return `a ${res.status} JSON answer is not { error, code }: ${res.text.slice(0, 300)}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Lone surrogates (which `unit: 'binary'` strings hold) cannot be percent-encoded. */
const wellFormed = (s: string) => s.replace(/\p{Surrogate}/gu, '\ufffd');
/** Percent-encodes any string, lone surrogates included. */
const encode = (s: string) => encodeURIComponent(wellFormed(s));
/** Header values must be Latin-1 without control characters, or Node's client refuses them. */
const latin1 = (s: string) =>
  wellFormed(s).replace(/[^\t\x20-\x7e\x80-\xff]/gu, (c) => encodeURIComponent(c));

/** A long string, built by repeating a short one (generating it char by char is slow). */
const long = (min: number, max: number) =>
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min, max }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** A JWT with `alg: none`, or HS256 under a guessed secret, with odd claims. */
export const forgedJwt = fc
  .record({
    alg: fc.constantFrom('none', 'None', 'HS256', 'RS256', ''),
    claims: fc.dictionary(
      fc.constantFrom('sub', 'sid', 'exp', 'iat', 'typ', 'email', 'tenantId', 'roles', 'aud'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    sig: fc.constantFrom('', 'c2ln', 'x'.repeat(43)),
  })
  .map(({ alg, claims, sig }) => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg, typ: 'JWT' })}.${part(claims)}.${sig}`;
  });

/** Something that sits where a token goes. */
const tokenish = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...MARKERS.map(marker)) },
  { weight: 2, arbitrary: forgedJwt },
  { weight: 2, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', 'null', 'undefined', 'j:{}', 's:x.y', '%', '%00'),
  },
  { weight: 1, arbitrary: long(4000, 9000).map(latin1) },
);

const authorization = fc.oneof(
  fc.constant(undefined),
  tokenish.map((t) => `Bearer ${t}`),
  fc
    .tuple(fc.constantFrom('bearer', 'BEARER', 'Basic', 'Token', 'Bearer', ''), tokenish)
    .map(([scheme, t]) => `${scheme} ${t}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Bearer      ', 'Basic Og==', ''),
);

const cookieName = fc.oneof(
  fc.constantFrom(
    'accessToken',
    'refreshToken',
    'csrf-token',
    '__Host-accessToken',
    'keyward-oauth-acme',
    'keyward-oauth-google',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 12 }).map(latin1),
);
const cookieValue = fc.oneof(
  tokenish,
  fc.jsonValue({ maxDepth: 3 }).map((v) => `j:${JSON.stringify(v)}`),
  fc.constantFrom('"quoted"', '%E0%A4%A', 'a=b', ';', 's:abc.def'),
);
const cookieHeader = fc.oneof(
  fc
    .array(fc.tuple(cookieName, cookieValue), { minLength: 1, maxLength: 5 })
    .map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('; ')),
  text,
);

const origin = fc.oneof(
  fc.constantFrom(
    'https://app.example.test',
    'null',
    'http://evil.example',
    'https://app.example.test.evil.example',
    '',
  ),
  fc.webUrl(),
  text,
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'json',
  '',
);

/** `arb` once in `freq` cases, else undefined (fc.option's `freq` means the opposite). */
const maybe = <T>(arb: fc.Arbitrary<T>, freq: number) =>
  fc.oneof({ weight: freq - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/**
 * How the request authenticates: not at all, a live bearer session, a live cookie session
 * (with or without its CSRF header), the 2FA challenge's temporary token, or something forged.
 */
const credentials = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: fc.constant({ authorization: `Bearer ${marker('ACCESS')}` }) },
  {
    weight: 2,
    arbitrary: fc.record({
      cookie: fc.constant(
        `accessToken=${marker('COOKIE_ACCESS')}; refreshToken=${marker('COOKIE_REFRESH')}; csrf-token=${marker('CSRF')}`,
      ),
      'x-csrf-token': fc.constantFrom(marker('CSRF'), marker('CSRF'), 'wrong'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ authorization: `Bearer ${marker('TEMP')}` }) },
  { weight: 1, arbitrary: fc.constant({ authorization: `Bearer ${marker('SIGNED_JWT')}` }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { authorization, cookie: cookieHeader, 'x-csrf-token': tokenish },
      { requiredKeys: [] },
    ),
  },
);

/** Random headers, as a list so one name may come twice. */
export const headers = fc
  .record({
    credentials,
    'x-auth-strategy': maybe(fc.oneof(fc.constantFrom('bearer', 'BEARER', 'cookie', ''), text), 2),
    origin: maybe(origin, 4),
    'content-encoding': maybe(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-nope'), 20),
    'x-forwarded-for': maybe(fc.oneof(fc.ipV4(), fc.ipV6(), text), 10),
    'user-agent': maybe(fc.oneof(text, long(600, 2000)), 10),
    'accept-language': maybe(fc.oneof(fc.constantFrom('de', 'fr-CH, fr;q=0.9', '*'), text), 10),
    'if-none-match': maybe(text, 20),
    accept: maybe(fc.constantFrom('application/json', 'text/html', '*/*'), 5),
    extra: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), text), { maxLength: 1 }),
  })
  .map(({ credentials: c, extra, ...h }) => [
    ...Object.entries({ ...h, ...c })
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]): [string, string] => [k, latin1(v)]),
    // Header names must be tokens; anything else is dropped rather than sent.
    ...extra
      .filter(([name]) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      .map(([k, v]): [string, string] => [k, latin1(v)]),
  ]);

/** A path parameter: ids that exist, traversal, bad escapes, unicode, very long strings. */
export function pathParam(known: string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known, marker('USER_ID'), marker('SID')) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%00',
        '%',
        '%zz',
        '%2e%2e',
        '%2F',
        '%252F',
        '%C0%AF',
        '%ED%A0%80',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        '%20',
        '*',
      ),
    },
    { weight: 3, arbitrary: text.map(encode) },
    { weight: 1, arbitrary: long(1000, 6000).map(encode) },
  );
}

const queryKey = fc.oneof(
  fc.constantFrom(
    'returnTo',
    'token',
    'code',
    'state',
    'error',
    'iss',
    'limit',
    'offset',
    'filter',
    'lang',
    'email',
    'event',
    'from',
    'to',
    'days',
    'status',
    'a[b]',
    'a[]',
    '__proto__',
  ),
  text.map(encode),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    '1',
    '-1',
    '1e3',
    '0x10',
    '999999999999',
    '%',
    '%00',
    '',
    '//evil.example',
    'https://app.example.test/x',
    'dead',
    '2025-01-01',
    '2025-01-01T00:00:00Z',
    'identity.*',
  ),
  tokenish.map(encode),
  fc.constantFrom(marker('MAIL_TOKEN'), marker('EMAIL')),
);
/** `''` or `?k=v&…`, keys repeated at times. */
export const query = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(queryKey, queryValue), { minLength: 1, maxLength: 5 })
      .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  },
);

/** Field names the endpoints read, and the keys that are dangerous to copy. */
const FIELDS = [
  '__proto__',
  'constructor',
  'prototype',
  'email',
  'password',
  'newPassword',
  'currentPassword',
  'tempToken',
  'token',
  'code',
  'secret',
  'refreshToken',
  'recoveryCode',
  'mode',
  'method',
  'userId',
  'newEmail',
  'emailLang',
  'phoneNumber',
  'loginAfterLinking',
  'provider',
  'providerAccountId',
  'name',
  'role',
  'roles',
  'permissions',
  'description',
  'id',
  'tenantId',
  'metadata',
  'require2FA',
  'emailVerificationMode',
  'firstName',
  'totpCode',
  'codes',
  'isActive',
  'url',
  'events',
  'maxRetries',
  'retryDelayMs',
];

/** A value for a known field: plausible, a live token, or the wrong type. */
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: tokenish },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'correct horse battery',
      'a@example.test',
      'A@EXAMPLE.TEST',
      '123456',
      '000000',
      '2fa',
      'login',
      'totp',
      'sms',
      'magic-link',
      'strict',
      'lazy',
      'none',
      '+15555550100',
      'editor',
      't1',
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(true, false, null, 0, -1, 1e308, [], {}, ['x'], { $ne: null }),
  },
);

/** Values that let a request get past validation to the code behind it. */
const GOOD: Record<string, string[]> = {
  email: [marker('EMAIL'), marker('EMAIL_2FA'), 'nobody@example.test'],
  password: ['correct horse battery'],
  currentPassword: ['correct horse battery'],
  newPassword: ['another horse battery 42'],
  tempToken: [marker('TEMP')],
  token: [marker('MAIL_TOKEN'), '123456'],
  code: [marker('SMS_CODE'), '123456'],
  totpCode: ['123456'],
  refreshToken: [marker('REFRESH')],
  mode: ['2fa', 'login'],
  newEmail: ['new@example.test', marker('EMAIL')],
  userId: [marker('USER_ID')],
  loginAfterLinking: ['true'],
  // Public, private and unresolvable webhook targets (no request is ever made to them).
  url: ['https://93.184.215.14/hook', 'http://127.0.0.1/hook', 'https://hooks.example.test/x'],
};
const goodValue = (key: string) => {
  // Own keys only: `GOOD['constructor']` would be Object's.
  const good = Object.hasOwn(GOOD, key) ? GOOD[key] : undefined;
  if (!good) return fieldValue;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<unknown>(...good) },
    { weight: 2, arbitrary: fieldValue },
  );
};

const entriesText = (entries: Array<[string, unknown]>) =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;

/**
 * A JSON object as text (keys may repeat; `__proto__` is an ordinary key in JSON text): every
 * field the route reads with mostly good values, or a random mix of its fields and others.
 */
const objectBody = (routeFields: readonly string[]) => {
  const own = routeFields.length > 0 ? routeFields : FIELDS;
  const complete = fc
    .tuple(...own.map((k) => goodValue(k).map((v): [string, unknown] => [k, v])))
    .map((entries) => entriesText(entries));
  const mixed = fc
    .array(
      fc
        .oneof(
          { weight: 6, arbitrary: fc.constantFrom(...own) },
          { weight: 2, arbitrary: fc.constantFrom(...FIELDS) },
          { weight: 1, arbitrary: text },
        )
        .chain((k) => fc.tuple(fc.constant(k), goodValue(k))),
      { maxLength: 8 },
    )
    .map((entries) => entriesText(entries));
  return fc.oneof(complete, mixed);
};

/** Nesting `depth` deep, as arrays or objects. */
const deepBody = fc
  .record({
    depth: fc.integer({ min: 50, max: 20_000 }),
    kind: fc.constantFrom('array', 'object', 'field'),
  })
  .map(({ depth, kind }) =>
    kind === 'array'
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : kind === 'object'
        ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
        : `{"email":${'{"email":'.repeat(depth)}"x"${'}'.repeat(depth + 1)}`,
  );

/** A string field sized around `limit` bytes, to sit on both sides of the body limit. */
const nearLimit = (limit: number) =>
  fc
    .record({ field: fc.constantFrom(...FIELDS), delta: fc.integer({ min: -64, max: 64 }) })
    .map(
      ({ field, delta }) =>
        `{${JSON.stringify(field)}:"${'x'.repeat(Math.max(0, limit - field.length - 7 + delta))}"}`,
    );

const rawBody = fc.oneof(
  fc.constantFrom(
    '{',
    '[',
    '{"email":',
    '{"a":1,}',
    'null',
    'true',
    '"a string"',
    '42',
    '1e999',
    '\ufeff{"email":"a@example.test"}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    'email=a%40example.test&password=x',
    '',
  ),
  text,
  fc.uint8Array({ maxLength: 64 }),
);

/** A body for a router whose JSON limit is `limit` bytes, and the content type to send it with. */
export function body(limit: number, routeFields: readonly string[] = []) {
  const json = fc.oneof(
    { weight: 5, arbitrary: objectBody(routeFields) },
    {
      weight: 2,
      arbitrary: fc.jsonValue({ maxDepth: 50, depthSize: 'medium' }).map((v) => JSON.stringify(v)),
    },
    { weight: 1, arbitrary: deepBody },
    { weight: 1, arbitrary: nearLimit(limit) },
    { weight: 2, arbitrary: rawBody },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ body: undefined, type: undefined }) },
    { weight: 6, arbitrary: fc.record({ body: json, type: fc.constant('application/json') }) },
    { weight: 2, arbitrary: fc.record({ body: json, type: contentType }) },
  );
}

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;

/** A route as `[method, '/path/:param', fields its body has]`. */
export type Route = readonly [string, string, (readonly string[])?];

/**
 * A request to one of `routes` under `prefix`: mostly its own method (sometimes another),
 * its parameters replaced, a query, headers and a body. The path is sometimes bent (trailing
 * slash, doubled slash, a `..` or `%00` appended).
 */
export function fuzzRequest(
  prefix: string,
  routes: readonly Route[],
  known: string[],
  limit: number,
) {
  return fc
    .constantFrom(...routes)
    .chain((route) =>
      fc.record({
        route: fc.constant(route),
        otherMethod: maybe(fc.constantFrom(...METHODS), 10),
        params: fc.array(pathParam(known), { minLength: 4, maxLength: 4 }),
        bend: fc.constantFrom(
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          '/',
          '//',
          '/..',
          '/%00',
          '/../..',
          '%00',
          '/x',
        ),
        query,
        headers,
        body: body(limit, route[2]),
      }),
    )
    .map(({ route, otherMethod, params, bend, query: q, headers: h, body: b }): FuzzRequest => {
      let i = 0;
      const path = route[1].replace(/:[A-Za-z]+/g, () => params[i++] ?? 'x');
      const list = h.filter(([name]) => name !== 'content-type');
      if (b.type) list.push(['content-type', b.type]);
      return {
        method: otherMethod ?? route[0],
        path: `${prefix}${path}${bend}${q}`,
        headers: list,
        body: b.body,
      };
    });
}
