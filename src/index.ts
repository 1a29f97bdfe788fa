// Public exports only; no logic lives here.
export { AuthConfigurator, type AuthConfiguratorOptions } from './configurator';
export { createAuthRouter, type AuthRouter } from './auth-router';
export type { RouterOptions } from './auth-router';
export { buildAuthOpenApiSpec, type AuthSpecFeatures } from './auth-openapi';
export { buildAdminOpenApiSpec, type AdminSpecFeatures } from './admin/openapi';
export type { AuthApiFeatures } from './router/api-features';
export type { OpenApiDocument } from './core/openapi/document';
export type { ApiDocsOptions } from './core/openapi/options';
export { buildSwaggerUiHtml, type SwaggerUiPage } from './core/openapi/swagger-ui';
export type {
  RateLimitOptions,
  RateLimitTier,
  RateLimitedRoute,
  RouteRateLimit,
} from './router/rate-limit/options';
export { createAdminRouter, type AdminRouter } from './admin/create-admin-router';
export type { AdminRouterOptions, AdminAuthorize, AdminRateLimitOptions } from './admin/options';
export type { AdminUser } from './admin/admin-user';
export type { AdminSession } from './admin/routes/sessions';
export type { AdminApiKey, AdminApiKeyUsage } from './admin/routes/api-keys';
export type { AdminFeatures } from './admin/routes/ping';
export type { AdminWebhook, AdminWebhookDelivery } from './admin/routes/webhook-input';
export type { AdminEvent } from './admin/routes/events';
export type {
  AdminOverview,
  AdminOverviewMetric,
  AdminOverviewMetricKey,
} from './admin/routes/overview';
export {
  createAuthMiddleware,
  type AuthMiddlewareOptions,
  type RevocationSource,
} from './core/middleware';
export type {
  AuthConfig,
  AuthLogger,
  BuildTokenPayload,
  CookieOptions,
  CsrfConfig,
  EmailConfig,
  EmailLinkPaths,
  EmailVerificationMode,
  SmsConfig,
  PasswordHashingConfig,
  PasswordPolicyConfig,
  WelcomeMailData,
} from './core/config/types';
export type { ResolvedConfig } from './core/config/resolved';
export { AuthError, AuthConfigError, AuthErrorCodes, type AuthErrorCode } from './core/errors';
export {
  AuthEventBus,
  AuthEventNames,
  type AuthEventName,
  type AuthEventHandler,
  type AuthEventInput,
  type AuthEventPayload,
} from './core/events';
export { TokenService, type AccessCheck } from './core/tokens/token-service';
export type { AccessTokenPayload, RefreshTokenPayload, TokenPair } from './core/tokens/claims';
export {
  PasswordService,
  MAX_PASSWORD_CHARS,
  MIN_PASSWORD_CHARS,
  assertAcceptablePassword,
  type PasswordServiceOptions,
} from './core/passwords/password-service';
export { isCommonPassword, type ResolvedPasswordPolicy } from './core/passwords/password-policy';
export type { PasswordHasher } from './core/passwords/hasher';
export { BcryptWorkerPool } from './core/passwords/bcrypt-worker-pool';
export {
  KeywardHasher,
  PREHASHED_BCRYPT_PREFIX,
  type KeywardHasherOptions,
  type PasswordAlgorithm,
} from './core/passwords/default-hasher';
export type { Argon2Params } from './core/passwords/argon2-hasher';
export { BaseAuthStrategy } from './strategies/base-auth-strategy';
export {
  LocalStrategy,
  type LocalCredentials,
  type LocalVerificationPolicy,
} from './strategies/local-strategy';
export {
  TotpStrategy,
  type TotpSecret,
  type TotpStrategyOptions,
  type TotpSealingConfig,
} from './features/totp/strategy';
export {
  migrateTotpSecrets,
  type MigrateTotpSecretsOptions,
  type TotpSecretMigrationReport,
} from './features/totp/migrate-secrets';
export { isSealedTotpSecret } from './features/totp/stored-secret';
export { MagicLinkStrategy, type SendMagicLinkOptions } from './features/magic-link/strategy';
export { SmsStrategy, type SmsStrategyOptions } from './features/sms/strategy';
export { SmsService } from './features/sms/sms-service';
export {
  BaseOAuthStrategy,
  type AuthorizationUrlOptions,
  type OAuthAuthorizationRequest,
} from './features/oauth/strategy';
export { GoogleStrategy, GOOGLE_ENDPOINTS } from './features/oauth/google-strategy';
export {
  GithubStrategy,
  GITHUB_ENDPOINTS,
  type GithubStrategyOptions,
} from './features/oauth/github-strategy';
export {
  GenericOAuthStrategy,
  type GenericOAuthProviderConfig,
} from './features/oauth/generic-strategy';
export type { OAuthProfile } from './features/oauth/profile';
export type { FlowSecrets } from './features/oauth/protocol';
export type { OAuthProviderEndpoints } from './features/oauth/endpoints';
export type { OAuthStrategyOptions, OAuthClientAuthMethod } from './features/oauth/settings';
export {
  createSignIn,
  type SignInOutcome,
  type BeginSignInOptions,
  type SignInDeps,
  type SecondFactorMethod,
  type SecondFactorCheck,
} from './router/sign-in';
export { MailerService } from './mail/mailer-service';
export type { MailerConfig, MailLang } from './core/config/mailer-config';
export type { CorsOptions } from './core/http/cors';
export type { BaseUser, IUserStore, ListUsersOptions } from './stores/user';
export type { ISessionStore, SessionInfo, RefreshRotation } from './stores/session';
export type { ISettingsStore, AuthSettings } from './stores/settings';
export type {
  IUserMetadataStore,
  IRolesPermissionsStore,
  ITenantStore,
  Tenant,
  ILinkedAccountsStore,
  LinkedAccount,
  RoleInfo,
} from './stores/profile-stores';
export type { IPendingLinkStore, PendingLink } from './stores/linking';
export type { IRateLimitStore, RateLimitHit } from './stores/rate-limit';
export type {
  ApiKey,
  ApiKeyAuditEntry,
  IApiKeyStore,
  ListApiKeysOptions,
  ListApiKeyUsageOptions,
} from './stores/api-key';
export { InMemoryApiKeyStore } from './stores/in-memory/in-memory-api-key-store';
export {
  ApiKeyService,
  ApiKeyStrategy,
  ApiKeyHasher,
  createApiKeyMiddleware,
  API_KEY_PATTERN,
  type ApiKeyMiddleware,
  type ApiKeyServiceOptions,
  type ApiKeyActor,
  type ApiKeyContext,
  type ApiKeyRequirements,
  type ApiKeyHashOptions,
  type ApiKeyMiddlewareOptions,
  type ApiKeyRateLimitOptions,
  type ApiKeyFailureLimit,
  type CreateApiKeyInput,
  type ApiKeyView,
} from './features/api-keys';
export type { ITwoFactorStore, SmsCodeIssue } from './stores/two-factor';
export type { IRevocationFeed, Revocation, Unsubscribe } from './stores/revocation';
export {
  InMemoryRevocationFeed,
  type InMemoryRevocationFeedOptions,
} from './stores/in-memory/in-memory-revocation-feed';
export type { RevocationListener } from './core/sessions/revocation-list';
export { InMemoryTwoFactorStore } from './stores/in-memory/in-memory-two-factor-store';
export { InMemoryUserStore } from './stores/in-memory/in-memory-user-store';
export { InMemorySessionStore } from './stores/in-memory/in-memory-session-store';
export {
  InMemorySettingsStore,
  InMemoryUserMetadataStore,
  InMemoryRolesPermissionsStore,
  InMemoryTenantStore,
} from './stores/in-memory/in-memory-profile-stores';
export {
  InMemoryLinkedAccountsStore,
  InMemoryPendingLinkStore,
  InMemoryRateLimitStore,
} from './stores/in-memory/in-memory-linking-stores';
export * from './tools';
export type {
  LoggedEvent,
  TelemetryEvent,
  TelemetryFilter,
  ITelemetryStore,
  IEventLog,
  EventDayCount,
} from './stores/event-log';
export type { IEventBroadcast } from './stores/event-broadcast';
export type {
  IWebhookStore,
  WebhookConfig,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookAttemptOutcome,
  ListDeliveriesOptions,
} from './stores/webhook';
export { eventMatches } from './stores/event-match';
export {
  InMemoryEventLog,
  type InMemoryEventLogOptions,
} from './stores/in-memory/in-memory-event-log';
export { InMemoryEventBroadcast } from './stores/in-memory/in-memory-event-broadcast';
export { InMemoryWebhookStore } from './stores/in-memory/in-memory-webhook-store';
export type { IPendingPlanStore, PendingPlan } from './stores/pending-plan';
export { InMemoryPendingPlanStore } from './stores/in-memory/in-memory-pending-plan-store';
export {
  DoctorCodes,
  type DoctorCode,
  type DoctorFinding,
  type DoctorLevel,
  type DoctorOptions,
  type DoctorRouterOptions,
} from './doctor';
