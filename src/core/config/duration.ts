const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/**
 * Reads a lifetime such as `'15m'`, `'7d'`, `'3600'` or `3600` (seconds). Returns null when the
 * value is not one of those forms, so config validation can say exactly what is wrong.
 */
export function parseDurationSeconds(value: string | number): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : null;
  const match = /^(\d+)\s*([smhdw]?)$/.exec(value.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const seconds = amount * (UNIT_SECONDS[match[2] || 's'] ?? 1);
  return seconds > 0 ? seconds : null;
}
