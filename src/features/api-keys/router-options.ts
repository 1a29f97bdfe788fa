import type { IApiKeyStore } from '../../stores/api-key';
import type { ApiKeyHashOptions } from './key-hasher';

/** `RouterOptions.apiKeys`: keys users create for their own scripts. */
export interface ApiKeySelfServiceOptions extends ApiKeyHashOptions {
  /** Enables GET/POST /api-keys and DELETE /api-keys/:id for the signed-in user. */
  selfService: boolean;
  /**
   * Where keys live. Default: the AuthConfigurator's `apiKeyStore` (needed with
   * `createAuthRouter`). The store needs `listKeys`.
   */
  store?: IApiKeyStore;
  /** The scopes a user may give a key; a request for any other is refused. Default none. */
  allowedScopes?: string[];
  /** Active keys one user may hold at once (409 API_KEY_LIMIT_REACHED past it). Default 10. */
  maxKeysPerUser?: number;
}

/** The router options of the API key feature; part of `RouterOptions`. */
export interface ApiKeyRouterOptions {
  apiKeys?: ApiKeySelfServiceOptions;
}
