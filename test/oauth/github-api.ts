import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import { startServer, type LocalServer } from './servers';

/** An account of the fake GitHub. */
export interface GithubAccount {
  id: number;
  login: string;
  name: string | null;
  /** The public email of `/user`, which GitHub does not promise is verified. */
  email: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

/** How a token request authenticated the client. */
export type SeenClientAuth = 'client_secret_post' | 'client_secret_basic';

export interface FakeGithub extends LocalServer {
  accounts: Map<string, GithubAccount>;
  /** The account the next authorization signs in. */
  signInAs(login: string): void;
  /** How each token request authenticated the client, in order. */
  clientAuth: SeenClientAuth[];
}

/**
 * A local server with GitHub's OAuth and API shape: `/login/oauth/authorize` (PKCE S256
 * required), `/login/oauth/access_token` (answers 200 with an `error` field on failure, as
 * GitHub does), `/user` and `/user/emails`.
 */
export async function startFakeGithub(clientId: string, clientSecret: string): Promise<FakeGithub> {
  const server = await startServer();
  const accounts = new Map<string, GithubAccount>();
  const codes = new Map<string, { login: string; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const clientAuth: SeenClientAuth[] = [];
  let next = '';

  const app = express();
  app.get('/login/oauth/authorize', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== clientId || !q.redirect_uri) return void res.status(400).end();
    const back = new URL(q.redirect_uri);
    if (q.code_challenge_method !== 'S256' || !q.code_challenge) {
      back.searchParams.set('error', 'invalid_request');
    } else {
      const code = randomBytes(10).toString('hex');
      codes.set(code, { login: next, challenge: q.code_challenge, redirectUri: q.redirect_uri });
      back.searchParams.set('code', code);
    }
    if (q.state) back.searchParams.set('state', q.state);
    res.redirect(302, back.href);
  });
  app.post('/login/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    let id = body.client_id;
    let secret = body.client_secret;
    const basic = req.get('authorization');
    if (basic?.startsWith('Basic ')) {
      const [u = '', p = ''] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      [id, secret] = [decodeURIComponent(u), decodeURIComponent(p)];
      clientAuth.push('client_secret_basic');
    } else {
      clientAuth.push('client_secret_post');
    }
    if (id !== clientId || secret !== clientSecret) {
      return void res.json({ error: 'incorrect_client_credentials' });
    }
    const grant = body.code ? codes.get(body.code) : undefined;
    if (body.code) codes.delete(body.code);
    const verifier = body.code_verifier ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!grant || grant.redirectUri !== body.redirect_uri || grant.challenge !== challenge) {
      return void res.json({ error: 'bad_verification_code' });
    }
    const token = `gho_${randomBytes(16).toString('hex')}`;
    tokens.set(token, grant.login);
    res.json({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  });
  const account = (req: express.Request) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const login = token ? tokens.get(token) : undefined;
    return login ? accounts.get(login) : undefined;
  };
  app.get('/user', (req, res) => {
    const a = account(req);
    if (!a || !req.get('user-agent'))
      return void res.status(401).json({ message: 'Bad credentials' });
    res.json({
      id: a.id,
      login: a.login,
      name: a.name,
      email: a.email,
      avatar_url: `https://avatars.example/${a.id}`,
    });
  });
  app.get('/user/emails', (req, res) => {
    const a = account(req);
    if (!a) return void res.status(401).json({ message: 'Bad credentials' });
    res.json(a.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })));
  });
  server.handle(app);

  return {
    ...server,
    accounts,
    clientAuth,
    signInAs(login) {
      next = login;
    },
  };
}
