import type { ApiDocsOptions } from './core/openapi/options';
import type { DoctorRouterOptions } from './doctor/types';
import type { ApiKeyRouterOptions } from './features/api-keys/router-options';
import type { OAuthRouterOptions } from './features/oauth/options';
import type { SharedRouterOptions } from './router/options';
import type { IRevocationFeed } from './stores/revocation';

// Its own file, so the router's assembly (auth-router.ts) and its OpenAPI document
// (auth-openapi.ts) both read it without importing each other.

/** Options of `auth.router()` / `createAuthRouter()`. Every store is optional. */
export interface RouterOptions
  extends
    SharedRouterOptions,
    OAuthRouterOptions,
    ApiKeyRouterOptions,
    DoctorRouterOptions,
    ApiDocsOptions {
  /**
   * Shares revocations between instances, for `createAuthRouter()` (an AuthConfigurator takes
   * it in its own options and ignores this one). Default: in process memory.
   */
  revocationFeed?: IRevocationFeed;
}
