import { AuthEventNames } from '../../core/events';
import type { IEventLog } from '../../stores/event-log';
import { utcDay } from '../../stores/event-match';

/** What the Overview charts count, each one event name of the log. */
export const OVERVIEW_METRICS = [
  { key: 'loginSucceeded', event: AuthEventNames.AUTH_LOGIN_SUCCESS },
  { key: 'loginFailed', event: AuthEventNames.AUTH_LOGIN_FAILED },
  { key: 'usersCreated', event: AuthEventNames.USER_CREATED },
  { key: 'twoFactorEnabled', event: AuthEventNames.USER_2FA_ENABLED },
  { key: 'webhookSucceeded', event: AuthEventNames.WEBHOOK_DELIVERY_SUCCEEDED },
  { key: 'webhookFailed', event: AuthEventNames.WEBHOOK_DELIVERY_FAILED },
  { key: 'webhookDead', event: AuthEventNames.WEBHOOK_DELIVERY_DEAD },
] as const;

/** The name of one Overview metric (`loginSucceeded`, …). */
export type AdminOverviewMetricKey = (typeof OVERVIEW_METRICS)[number]['key'];

/** One metric over the window: a count for each day of `dates`, zeros included. */
export interface AdminOverviewMetric {
  key: AdminOverviewMetricKey;
  event: string;
  counts: number[];
  total: number;
}

/** `GET /api/overview`: every metric per UTC day, oldest day first, today last. */
export interface AdminOverview {
  days: number;
  /** First and last day of the window, `YYYY-MM-DD` (UTC). */
  from: string;
  to: string;
  tenantId: string | null;
  dates: string[];
  metrics: AdminOverviewMetric[];
  totals: Record<AdminOverviewMetricKey, number>;
}

const DAY_MS = 86_400_000;

/** The `days` UTC days ending today, oldest first. */
function windowDays(days: number, now: Date): string[] {
  const today = Date.parse(`${utcDay(now)}T00:00:00.000Z`);
  return Array.from({ length: days }, (_, i) => utcDay(new Date(today - (days - 1 - i) * DAY_MS)));
}

/**
 * Counts the metrics per day in one query of the log and lays them on every day of the window,
 * so the panel draws its charts without gaps or date arithmetic of its own.
 */
export async function computeOverview(
  log: IEventLog,
  days: number,
  tenantId: string | undefined,
  now = new Date(),
): Promise<AdminOverview> {
  const dates = windowDays(days, now);
  const from = new Date(`${dates[0]!}T00:00:00.000Z`);
  const counted = await log.countByDay(
    OVERVIEW_METRICS.map((m) => m.event),
    from,
    now,
    tenantId,
  );
  const index = new Map(dates.map((day, i) => [day, i]));
  const metrics = OVERVIEW_METRICS.map(({ key, event }) => {
    const counts = dates.map(() => 0);
    for (const row of counted) {
      const at = index.get(row.day);
      // SQL stores may hand counts back as strings (bigint); a day outside the window is skipped.
      if (row.event === event && at !== undefined) counts[at]! += Number(row.count);
    }
    return { key, event, counts, total: counts.reduce((a, b) => a + b, 0) };
  });
  const totals = Object.fromEntries(metrics.map((m) => [m.key, m.total])) as Record<
    AdminOverviewMetricKey,
    number
  >;
  return {
    days,
    from: dates[0]!,
    to: dates[dates.length - 1]!,
    tenantId: tenantId ?? null,
    dates,
    metrics,
    totals,
  };
}
