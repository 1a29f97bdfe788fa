import { z } from 'zod';
import { EVENT_NAME } from '../router/event-routes';

const resultSchema = z.strictObject({
  event: z.string().regex(EVENT_NAME, 'letters, digits and . _ : - only (at most 120)'),
  data: z.record(z.string(), z.unknown()).optional(),
  tenantId: z.string().min(1).max(200).optional(),
});

/** What the route does with a handler's or script's result. */
export type ResultVerdict =
  | { kind: 'ignore' }
  | { kind: 'refuse'; reason: string }
  | { kind: 'track'; event: string; data?: Record<string, unknown>; tenantId?: string };

/** The rules a result is held to, from the provider's configuration. */
export interface ResultRules {
  /** The provider may produce `identity.*` names. */
  identityEvents: boolean;
  /** The tenant the provider is pinned to, if any. */
  pinnedTenant: string | undefined;
}

/**
 * Judges a result: null acknowledges silently; a malformed result, an `identity.*` name from
 * a provider not trusted with them, or another tenant than the pinned one is refused (the
 * route logs it and still answers 200: the provider cannot fix it by retrying).
 */
export function judgeResult(result: unknown, rules: ResultRules): ResultVerdict {
  if (result === null || result === undefined) return { kind: 'ignore' };
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'result'}: ${i.message}`);
    return { kind: 'refuse', reason: `malformed result (${issues.join('; ')})` };
  }
  const { event, data, tenantId } = parsed.data;
  // keyward's own names are facts about accounts (sign-ins, deletions); subscribers act on them.
  if (event.startsWith('identity.') && !rules.identityEvents)
    return { kind: 'refuse', reason: `${event}: identity.* events need identityEventProviders` };
  const pinned = rules.pinnedTenant;
  if (pinned !== undefined && tenantId !== undefined && tenantId !== pinned)
    return { kind: 'refuse', reason: `tenant ${tenantId} is not the provider's tenant` };
  const tenant = pinned ?? tenantId;
  return {
    kind: 'track',
    event,
    ...(data !== undefined && { data }),
    ...(tenant !== undefined && { tenantId: tenant }),
  };
}
