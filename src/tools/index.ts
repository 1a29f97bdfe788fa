// The event tools: assembly of the public surface only.
export { AuthTools, type TrackContext, type NotifyOptions } from './auth-tools';
export type { AuthToolsOptions, RevocationSource as ToolsRevocationSource } from './options';
export { createToolsRouter } from './router/create-tools-router';
export { buildOpenApiSpec, type ToolsSpecFeatures } from './router/openapi';
export type {
  ToolsRouterOptions,
  ToolsPermission,
  ToolsAction,
  InboundWebhookHandler,
  InboundWebhookResult,
} from './router/options';
export {
  ActionRegistry,
  type WebhookActionEntry,
  type WebhookActionFn,
  type WebhookActionMeta,
} from '../core/scripting/action-registry';
export {
  webhookAction,
  registerActions,
  type WebhookActionDecorator,
} from '../core/scripting/webhook-action';
export type { GenericHmacVerify, InboundProviderConfig, InboundVerify } from './inbound/providers';
export { InMemoryReplayStore, type InboundReplayStore } from './inbound/replay';
export {
  runWebhookScript,
  type SandboxAction,
  type SandboxCall,
  type SandboxInput,
  type SandboxLimits,
  type SandboxRun,
  type SandboxRunOptions,
} from '../core/scripting/sandbox';
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
