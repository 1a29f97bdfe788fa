/** API keys for machines: service, middleware, strategy and the self-service routes. */
export { ApiKeyService, type ApiKeyServiceOptions, type ApiKeyActor } from './service';
export { createApiKeyMiddleware, type ApiKeyMiddleware } from './middleware';
export { ApiKeyStrategy, type ApiKeyContext, type ApiKeyRequirements } from './strategy';
export { ApiKeyHasher, type ApiKeyHashOptions } from './key-hasher';
export type { ApiKeyMiddlewareOptions } from './options';
export type { ApiKeyRateLimitOptions, ApiKeyFailureLimit } from './guessing-limit';
export { createKeySchema, type CreateApiKeyInput } from './key-input';
export { API_KEY_PATTERN } from './key-format';
export { toApiKeyView, type ApiKeyView } from './view';
