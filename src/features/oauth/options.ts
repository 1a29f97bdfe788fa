import type { BaseOAuthStrategy } from './strategy';

/** The router options of OAuth sign-in; part of `RouterOptions`. */
export interface OAuthRouterOptions {
  /** Enables GET /oauth/google and its callback. */
  googleStrategy?: BaseOAuthStrategy;
  /** Enables GET /oauth/github and its callback. */
  githubStrategy?: BaseOAuthStrategy;
  /** Enables GET /oauth/:name and its callback for each (e.g. `GenericOAuthStrategy`s). */
  oauthStrategies?: BaseOAuthStrategy[];
}
