import type { Request, Response } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { noStore, setTokenCookies } from '../../core/http/cookies';
import { constantTimeEqual, hashToken } from '../../core/secrets';
import type { RouterContext } from '../../router/context';
import type { SignInOutcome } from '../../router/sign-in';
import type { BaseUser } from '../../stores/user';
import type { FlowCookie, OAuthFlow } from './flow-cookie';
import type { OAuthProfile } from './profile';
import { OAUTH_PAGES, type FlowDestination, type RedirectPolicy } from './redirects';
import type { BaseOAuthStrategy } from './strategy';

const stateMismatch = (why: string) => new AuthError(why, 'OAUTH_STATE_MISMATCH', 400);
const alreadyLinked = () =>
  new AuthError('This provider account belongs to another user', 'ACCOUNT_ALREADY_LINKED', 409);

/** A strategy the router mounts, with its flow cookie (both built once, with the router). */
export interface OAuthProvider {
  strategy: BaseOAuthStrategy;
  cookie: FlowCookie;
}

/** A POSTed callback parameter that is not a string: only a JSON body can carry one. */
const notAFormField = (key: string) =>
  new AuthError(`Parameter ${key.slice(0, 40)} is not a form field`, 'OAUTH_PROVIDER_ERROR', 400);

/**
 * The callback as a list of steps: read the flow this browser started, check and spend its
 * state, let the strategy validate the response, redeem the code and verify the ID token, find
 * the user (by provider account, never by email alone), record the link, then hand over to
 * sign-in. Every outcome is a redirect; a failure lands on `{site}/auth/error?code=…`.
 */
export function createOAuthCallback(ctx: RouterContext, redirects: RedirectPolicy) {
  const { users } = ctx;
  const links = ctx.options.linkedAccountsStore;

  /** The authorization response, from the query (GET) or the form body (`form_post`). */
  function callbackParams(req: Request): URLSearchParams {
    const params =
      req.method === 'POST'
        ? new URLSearchParams(
            Object.entries((req.body ?? {}) as Record<string, unknown>).flatMap(([k, v]) =>
              (Array.isArray(v) ? v : [v]).map((item): [string, string] => {
                // A provider posts a form: only strings. A JSON body (parsed by the router) may
                // hold anything, and String() of a deeply nested array overflows the stack.
                if (typeof item !== 'string') throw notAFormField(k);
                return [k, item];
              }),
            ),
          )
        : new URL(req.originalUrl, 'http://callback.invalid').searchParams;
    // RFC 6749 §3.1: a parameter sent twice is an error (and a sign of tampering).
    for (const key of new Set(params.keys())) {
      if (params.getAll(key).length > 1) {
        throw new AuthError(`Parameter ${key} was sent twice`, 'OAUTH_PROVIDER_ERROR', 400);
      }
    }
    return params;
  }

  /**
   * The state must be the one this browser's flow cookie holds (compared in constant time), and
   * each state is spent once, so a callback replayed anywhere, even with the cookie, fails.
   */
  async function checkState(flow: OAuthFlow | null, params: URLSearchParams): Promise<OAuthFlow> {
    if (!flow) throw stateMismatch('No sign-in with this provider is in progress in this browser');
    const state = params.get('state');
    if (!state || !constantTimeEqual(state, flow.state)) {
      throw stateMismatch('The sign-in state does not match this browser');
    }
    const fresh = await ctx.twoFactor.markUsed(
      `oauth-state:${hashToken(flow.state)}`,
      new Date(flow.exp * 1000),
    );
    if (!fresh) throw stateMismatch('This sign-in response was already used');
    return flow;
  }

  /**
   * The user a provider account signs in as. A linked account decides by itself. Otherwise the
   * application's `findOrCreateUser` answers, and its answer is refused when it is an existing
   * account that only shares the email (verified or not): absorbing it would let whoever
   * registered that address first, or whoever controls the provider account, take it over.
   */
  async function findUser(
    strategy: BaseOAuthStrategy,
    profile: OAuthProfile,
  ): Promise<{ user: BaseUser; linked: boolean }> {
    const link = await links?.findUserByProviderAccount(strategy.name, profile.id);
    const linkedUser = link ? await users.findById(link.userId) : null;
    if (linkedUser) return { user: linkedUser, linked: true };

    const byEmail = await users.findByEmail(profile.email);
    const bound = await users.findByProviderAccount?.(strategy.name, profile.id);
    const user = await strategy.findOrCreateUser(profile);
    if (bound && bound.id !== user.id) throw alreadyLinked();
    const keyedByIdentity =
      user.loginProvider === strategy.name && user.providerAccountId === profile.id;
    if (byEmail && byEmail.id === user.id && !keyedByIdentity) {
      throw new AuthError(
        'An account with this email already exists; sign in to it to link this provider',
        'OAUTH_ACCOUNT_CONFLICT',
        409,
        { email: profile.email, providerAccountId: profile.id },
      );
    }
    return { user, linked: false };
  }

  /** Each OAuth sign-in records its link, so the next one finds the user by it. */
  async function recordLink(user: BaseUser, provider: string, profile: OAuthProfile, req: Request) {
    if (!links) return;
    try {
      await links.linkAccount(user.id, {
        provider,
        providerAccountId: profile.id,
        email: profile.email,
      });
    } catch (err) {
      ctx.config.logger.warn(`oauth: could not link ${provider} account`, err);
      throw alreadyLinked();
    }
    ctx.publish(AuthEventNames.USER_LINKED, req, { userId: user.id, data: { provider } });
  }

  /** Session: cookies and the success page. Second factor: the 2FA page with the temporary token. */
  function redirectOutcome(res: Response, outcome: SignInOutcome, dest: FlowDestination) {
    if (outcome.kind === 'session') {
      setTokenCookies(res, outcome.issued.tokens, ctx.config, outcome.user.id);
      res.redirect(303, redirects.success(dest));
    } else if (outcome.kind === '2fa') {
      res.redirect(
        303,
        redirects.pageWithSecret(
          OAUTH_PAGES.twoFactor,
          { tempToken: outcome.tempToken, methods: outcome.methods.join(',') },
          dest,
        ),
      );
    } else {
      res.redirect(
        303,
        redirects.pageWithSecret(
          OAUTH_PAGES.twoFactorSetup,
          {
            ...(outcome.tempToken ? { tempToken: outcome.tempToken } : {}),
            code: '2FA_SETUP_REQUIRED',
          },
          dest,
        ),
      );
    }
  }

  /**
   * OAUTH_ACCOUNT_CONFLICT: stash the provider account for POST /link-verify when the error
   * names this very account and the provider vouches for the address, then send the browser to
   * the account-conflict page.
   */
  async function redirectConflict(
    req: Request,
    res: Response,
    err: AuthError,
    provider: string,
    profile: OAuthProfile | undefined,
    dest: FlowDestination,
  ) {
    const data = err.data ?? {};
    const email = typeof data['email'] === 'string' ? data['email'] : profile?.email;
    const accountId = data['providerAccountId'];
    const store = ctx.options.pendingLinkStore;
    if (
      store &&
      profile?.emailVerified === true &&
      email !== undefined &&
      email.toLowerCase() === profile.email.toLowerCase() &&
      accountId === profile.id
    ) {
      try {
        await store.stash(email, provider, profile.id);
      } catch (stashErr) {
        // The redirect still helps the user; linking then starts from a fresh sign-in.
        ctx.config.logger.error('oauth: could not stash the conflicting account', stashErr);
      }
    }
    ctx.publish(AuthEventNames.AUTH_OAUTH_CONFLICT, req, { data: { provider, email } });
    res.redirect(
      303,
      redirects.page(
        OAUTH_PAGES.accountConflict,
        { provider, code: 'OAUTH_ACCOUNT_CONFLICT', ...(email ? { email } : {}) },
        dest,
      ),
    );
  }

  return async function oauthCallback(
    { strategy, cookie }: OAuthProvider,
    req: Request,
    res: Response,
  ): Promise<void> {
    const flow = cookie.read(req, res);
    cookie.clear(res);
    noStore(res);
    // The site and page the flow was started for, from the signed cookie (none when forged).
    const dest: FlowDestination = { site: flow?.site, returnTo: flow?.returnTo };
    let profile: OAuthProfile | undefined;
    try {
      const params = callbackParams(req);
      const secrets = await checkState(flow, params);
      profile = await strategy.handleCallback(params, secrets);
      const { user, linked } = await findUser(strategy, profile);
      if (!linked) await recordLink(user, strategy.name, profile, req);
      ctx.publish(AuthEventNames.AUTH_OAUTH_SUCCESS, req, {
        userId: user.id,
        data: { provider: strategy.name },
      });
      redirectOutcome(res, await ctx.beginSignIn(user, req, { provider: strategy.name }), dest);
    } catch (err) {
      if (err instanceof AuthError && err.code === 'OAUTH_ACCOUNT_CONFLICT') {
        await redirectConflict(req, res, err, strategy.name, profile, dest);
        return;
      }
      if (!(err instanceof AuthError)) {
        ctx.config.logger.error(`oauth: ${strategy.name} callback failed`, err);
        res.redirect(303, redirects.error('INTERNAL_ERROR', dest));
        return;
      }
      // The cause (oauth4webapi's detail) is for the operator's log, never for the browser.
      ctx.config.logger.warn(`oauth: ${strategy.name} sign-in refused: ${err.code}`, err.cause);
      res.redirect(303, redirects.error(err.code, dest, providerError(err)));
    }
  };
}

/** The provider's own `error` (e.g. `access_denied`), when it is a plain OAuth error code. */
function providerError(err: AuthError): Record<string, string> {
  const cause = err.cause as { error?: unknown } | undefined;
  const code = cause?.error;
  return err.code === 'OAUTH_PROVIDER_ERROR' &&
    typeof code === 'string' &&
    /^[a-z_]{1,64}$/.test(code)
    ? { error: code }
    : {};
}
