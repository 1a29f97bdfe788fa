import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import { startServer } from './servers';

/** The one account the fake provider signs in. */
export interface FakeOidcAccount {
  sub: string;
  email: string;
}

/**
 * What the ID tokens are minted with, for the tests that need a token the real provider
 * (oidc-provider) will never issue. Every field left out gives the valid value.
 */
export interface IdTokenKnobs {
  /** The `aud` claim. Default: the registered client's id. */
  audience?: string;
  /** Seconds from now to `exp`; negative gives an expired token. Default 300. */
  expiresIn?: number;
  /** The signature algorithm (same RSA key). Default `'RS256'`. */
  algorithm?: 'RS256' | 'PS256';
}

/** An ID token the fake issued, kept so a test can check what it refused. */
export interface IssuedIdToken {
  claims: { iss: string; sub: string; aud: string; nonce?: string; iat: number; exp: number };
  /** The `nonce` the browser's authorization request carried. */
  requestedNonce: string | undefined;
}

export interface FakeOidc {
  /** The issuer identifier, also the base URL of every endpoint. */
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  jwksUrl: string;
  /** The ID tokens issued so far, in order. */
  issued: IssuedIdToken[];
  /** Mints the next ID tokens with these changes (until `reset`). */
  mint(knobs: IdTokenKnobs): void;
  /** Back to valid ID tokens. */
  reset(): void;
  close(): Promise<void>;
}

const KID = 'fake-oidc-key-1';
/** The same key published for PS256, so a PS256 token finds a key and only the algorithm differs. */
const KID_PS256 = 'fake-oidc-key-1-ps256';

/**
 * A small OpenID Provider stand-in on 127.0.0.1 (plain node:http): `/authorize` (PKCE S256
 * required; answers with `code`, `state` and RFC 9207 `iss`), `/token` (client_secret_post;
 * answers an RS256 ID token carrying the nonce of the authorization request), `/jwks`,
 * `/userinfo` and its discovery document (announcing RS256 and PS256 ID tokens). Unlike
 * oidc-provider it can be told to mint a wrong `aud`, a past `exp` or another algorithm.
 */
export async function startFakeOidc(client: {
  clientId: string;
  clientSecret: string;
  account: FakeOidcAccount;
}): Promise<FakeOidc> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const jwks = {
    keys: [
      { ...publicJwk, kid: KID, alg: 'RS256', use: 'sig' },
      { ...publicJwk, kid: KID_PS256, alg: 'PS256', use: 'sig' },
    ],
  };
  const codes = new Map<
    string,
    { redirectUri: string; challenge: string; nonce: string | undefined }
  >();
  const accessTokens = new Set<string>();
  const issued: IssuedIdToken[] = [];
  let knobs: IdTokenKnobs = {};
  const server = await startServer();
  const issuer = server.url;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  function authorize(url: URL, res: ServerResponse) {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (q.get('client_id') !== client.clientId || !redirectUri) return json(res, 400, {});
    const back = new URL(redirectUri);
    const challenge = q.get('code_challenge');
    if (
      q.get('response_type') !== 'code' ||
      q.get('code_challenge_method') !== 'S256' ||
      !challenge
    ) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, { redirectUri, challenge, nonce: q.get('nonce') ?? undefined });
      back.searchParams.set('code', code);
    }
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { location: back.href }).end();
  }

  function token(body: URLSearchParams, res: ServerResponse) {
    if (
      body.get('client_id') !== client.clientId ||
      body.get('client_secret') !== client.clientSecret
    ) {
      return json(res, 401, { error: 'invalid_client' });
    }
    const code = body.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code);
    const challenge = createHash('sha256')
      .update(body.get('code_verifier') ?? '')
      .digest('base64url');
    if (
      body.get('grant_type') !== 'authorization_code' ||
      !grant ||
      grant.redirectUri !== body.get('redirect_uri') ||
      grant.challenge !== challenge
    ) {
      return json(res, 400, { error: 'invalid_grant' });
    }
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (knobs.expiresIn ?? 300);
    const claims: IssuedIdToken['claims'] = {
      iss: issuer,
      sub: client.account.sub,
      aud: knobs.audience ?? client.clientId,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      // An expired token was issued a while before it expired, not in the future.
      iat: Math.min(now, exp - 300),
      exp,
    };
    issued.push({ claims, requestedNonce: grant.nonce });
    const accessToken = randomBytes(16).toString('base64url');
    accessTokens.add(accessToken);
    json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      id_token: jwt.sign(
        claims,
        privateKey,
        knobs.algorithm === 'PS256'
          ? { algorithm: 'PS256', keyid: KID_PS256 }
          : { algorithm: 'RS256', keyid: KID },
      ),
      expires_in: 3600,
    });
  }

  function userInfo(req: IncomingMessage, res: ServerResponse) {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !accessTokens.has(bearer)) return json(res, 401, { error: 'invalid_token' });
    json(res, 200, { sub: client.account.sub, email: client.account.email, email_verified: true });
  }

  const configuration = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'PS256'],
    authorization_response_iss_parameter_supported: true,
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /authorize') return authorize(url, res);
    if (route === 'POST /token') return token(new URLSearchParams(await readBody(req)), res);
    if (route === 'GET /jwks') return json(res, 200, jwks);
    if (route === 'GET /userinfo') return userInfo(req, res);
    if (route === 'GET /.well-known/openid-configuration') return json(res, 200, configuration);
    json(res, 404, { error: 'not_found' });
  }

  server.handle((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });

  return {
    issuer,
    authorizationUrl: `${issuer}/authorize`,
    tokenUrl: `${issuer}/token`,
    userInfoUrl: `${issuer}/userinfo`,
    jwksUrl: `${issuer}/jwks`,
    issued,
    mint(next) {
      knobs = { ...next };
    },
    reset() {
      knobs = {};
    },
    close: () => server.close(),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
