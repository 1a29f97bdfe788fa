// The event tools: assembly of the public surface only.
export { AuthTools, type TrackContext, type NotifyOptions } from './auth-tools';
export type { AuthToolsOptions, RevocationSource as ToolsRevocationSource } from './options';
export { createToolsRouter } from './router/create-tools-router';
export type { ToolsRouterOptions, ToolsPermission, ToolsAction } from './router/options';
export { SseManager, type SseOptions, type StreamSubscriber } from './sse/sse-manager';
export { deriveTopics, isTopic, topicsOf, type TopicIdentity } from './sse/topics';
export type { WebhookDeliveryOptions } from './webhooks/delivery-options';
export {
  WebhookSender,
  type WebhookSenderOptions,
  type AttemptResult as WebhookAttemptResult,
} from './webhooks/webhook-sender';
export { verifyStandardSignature, verifyLegacySignature } from './webhooks/signing';
export { retryDelay } from './webhooks/backoff';
export {
  GithubSponsorsPreset,
  SponsorshipEvents,
  type GithubSponsorsOptions,
  type SponsorPlan,
  type SponsorshipOutcome,
} from './inbound/presets/github-sponsors';
