import type { LoggedEvent } from '../../stores/event-log';

/**
 * Stream topics, always derived by the server:
 * `global` · `tenant:{id}` · `tenant:{id}:role:{role}` · `tenant:{id}:group:{group}` ·
 * `user:{id}` · `session:{id}` · `custom:{namespace}`.
 */
const SEGMENT = '[^:\\s]{1,200}';
const TOPIC = new RegExp(
  `^(global|tenant:${SEGMENT}(:(role|group):${SEGMENT})?|user:${SEGMENT}|session:${SEGMENT}|custom:[^\\s]{1,200})$`,
);

/** Whether `topic` is one of the shapes above. */
export function isTopic(topic: string): boolean {
  return TOPIC.test(topic);
}

/** The tenant a `tenant:…` topic belongs to, if it is one. */
export function tenantOfTopic(topic: string): string | undefined {
  if (!topic.startsWith('tenant:')) return undefined;
  return topic.split(':')[1];
}

/** Who a stream belongs to, as the topics are derived from it. */
export interface TopicIdentity {
  userId: string;
  sessionId?: string;
  tenantId?: string;
  roles: string[];
}

/** The topics a verified identity hears, plus the granted extras that are well-formed and its own. */
export function deriveTopics(identity: TopicIdentity, granted: string[] = []): string[] {
  const topics = new Set<string>(['global', `user:${identity.userId}`]);
  if (identity.sessionId) topics.add(`session:${identity.sessionId}`);
  const tenant = identity.tenantId;
  if (tenant) {
    topics.add(`tenant:${tenant}`);
    for (const role of identity.roles) topics.add(`tenant:${tenant}:role:${role}`);
  }
  for (const topic of granted) {
    if (!isTopic(topic)) continue;
    const grantedTenant = tenantOfTopic(topic);
    const isGroup = grantedTenant !== undefined && topic.split(':')[2] === 'group';
    if (topic.startsWith('custom:') || (isGroup && grantedTenant === tenant)) topics.add(topic);
  }
  return [...topics];
}

/**
 * The topics a log entry is for. A notification names its one topic; an event of the bus goes
 * to the user and the session it is about (never to `global` or a tenant, where it would show
 * one user's activity to others).
 */
export function topicsOf(entry: LoggedEvent): string[] {
  if (entry.topic !== undefined) return [entry.topic];
  const topics: string[] = [];
  if (entry.userId) topics.push(`user:${entry.userId}`);
  if (entry.sessionId) topics.push(`session:${entry.sessionId}`);
  return topics;
}

/**
 * Whether a stream of `tenantId` subscribed to `topics` receives `entry`: a topic in common, and
 * an entry stamped with a tenant reaches only that tenant's streams.
 */
export function streamReceives(
  entry: LoggedEvent,
  topics: ReadonlySet<string>,
  tenantId: string | undefined,
): boolean {
  if (entry.tenantId !== undefined && entry.tenantId !== tenantId) return false;
  return topicsOf(entry).some((topic) => topics.has(topic));
}
