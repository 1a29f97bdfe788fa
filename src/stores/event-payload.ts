// What an event carries: published on the bus (core/events.ts) and kept by the event log.

/** What a publisher passes. */
export interface AuthEventInput {
  userId?: string;
  tenantId?: string;
  sessionId?: string;
  ip?: string;
  data?: Record<string, unknown>;
}

/** What a subscriber receives. */
export interface AuthEventPayload extends AuthEventInput {
  event: string;
  timestamp: string;
}
