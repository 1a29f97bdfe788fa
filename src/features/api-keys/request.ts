import type { ApiKeyContext } from './strategy';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `createApiKeyMiddleware` once a key has been accepted. */
      apiKey?: ApiKeyContext;
    }
  }
}

export {};
