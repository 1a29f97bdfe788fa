import { hkdfSync } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { ResolvedConfig } from '../../core/config/resolved';
import { readCookie } from '../../core/http/cookies';
import type { FlowSecrets } from './protocol';
import type { ResolvedOAuthSettings } from './settings';

/** An authorization request in progress has this long to come back. */
export const FLOW_TTL_SECONDS = 10 * 60;

/** What the browser carries between `/oauth/:name` and its callback. */
export interface OAuthFlow extends FlowSecrets {
  /** The strategy that started the flow (mix-up defence). */
  provider: string;
  /** Where to send the browser afterwards, already checked against the allowed origins. */
  returnTo?: string;
  /** Seconds since the epoch. */
  exp: number;
}

const ALGORITHM = 'HS256';
const TYP = 'keyward-oauth-flow';

/**
 * The flow cookie: state, PKCE verifier, nonce and provider, signed (HS256, pinned) with a key
 * derived from the access-token secret, HttpOnly, scoped to the strategy's callback path and
 * named after the strategy, so two sign-ins in two tabs do not overwrite each other.
 */
export class FlowCookie {
  private readonly key: Buffer;

  constructor(config: ResolvedConfig) {
    // Its own HKDF label: unrelated to the JWT, CSRF and TOTP keys from the same secret.
    this.key = Buffer.from(
      hkdfSync('sha256', config.source.accessTokenSecret, '', 'keyward oauth-flow v1', 32),
    );
  }

  static nameFor(provider: string): string {
    return `keyward-oauth-${provider}`;
  }

  /** Cookie attributes: SameSite=None; Secure only where a cross-site POST callback needs it. */
  private attributes(settings: ResolvedOAuthSettings): CookieOptions {
    const https = settings.callbackUrl.protocol === 'https:';
    // A provider answering with response_mode=form_post comes back with a cross-site POST, which
    // carries only SameSite=None cookies, and browsers keep those only when Secure (HTTPS).
    const crossSitePost = settings.responseMode === 'form_post' && https;
    return {
      httpOnly: true,
      secure: https,
      sameSite: crossSitePost ? 'none' : 'lax',
      path: settings.callbackUrl.pathname,
    };
  }

  set(res: Response, settings: ResolvedOAuthSettings, flow: Omit<OAuthFlow, 'exp'>): void {
    const token = jwt.sign({ ...flow, typ: TYP }, this.key, {
      algorithm: ALGORITHM,
      expiresIn: FLOW_TTL_SECONDS,
    });
    res.cookie(FlowCookie.nameFor(settings.name), token, {
      ...this.attributes(settings),
      maxAge: FLOW_TTL_SECONDS * 1000,
    });
  }

  /** Clears the cookie: whatever the callback's outcome, a flow is never resumed twice. */
  clear(res: Response, settings: ResolvedOAuthSettings): void {
    res.clearCookie(FlowCookie.nameFor(settings.name), this.attributes(settings));
  }

  /** The flow this browser started at `provider`, or null (missing, forged, expired, other provider). */
  read(req: Request, res: Response, provider: string): OAuthFlow | null {
    const token = readCookie(req, res, FlowCookie.nameFor(provider));
    if (!token) return null;
    let claims: unknown;
    try {
      claims = jwt.verify(token, this.key, { algorithms: [ALGORITHM] });
    } catch {
      return null;
    }
    const c = claims as Partial<OAuthFlow> & { typ?: unknown };
    if (
      c.typ !== TYP ||
      c.provider !== provider ||
      typeof c.state !== 'string' ||
      typeof c.codeVerifier !== 'string' ||
      typeof c.exp !== 'number'
    ) {
      return null;
    }
    return {
      provider: c.provider,
      state: c.state,
      codeVerifier: c.codeVerifier,
      exp: c.exp,
      ...(typeof c.nonce === 'string' ? { nonce: c.nonce } : {}),
      ...(typeof c.returnTo === 'string' ? { returnTo: c.returnTo } : {}),
    };
  }
}
