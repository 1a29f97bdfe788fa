import type { AuthLogger } from '../core/config/types';
import { clockSkewChecks } from './clock-skew';
import { cookieChecks } from './cookie-checks';
import { originChecks } from './origin-checks';
import { secretChecks } from './secret-checks';
import { storeChecks } from './store-checks';
import { transportChecks } from './transport-checks';
import type { DoctorCheck, DoctorFinding, DoctorInput, DoctorOptions } from './types';

/** The checks that read the configuration only, in the order their findings are listed. */
const OFFLINE_CHECKS: readonly DoctorCheck[] = [
  cookieChecks,
  originChecks,
  secretChecks,
  storeChecks,
  transportChecks,
];

const RANK = { error: 0, warn: 1, info: 2 } as const;

/** Errors first, each level in check order (the sort is stable). */
export function byLevel(findings: DoctorFinding[]): DoctorFinding[] {
  return findings.sort((a, b) => RANK[a.level] - RANK[b.level]);
}

/** The checks that need no network, synchronously (what the router logs as it is built). */
export function offlineFindings(input: DoctorInput): DoctorFinding[] {
  return byLevel(OFFLINE_CHECKS.flatMap((check) => check(input)));
}

/** Every check: the configuration's, then (unless `clockSkew: false`) the providers' clocks. */
export async function runDoctor(
  input: DoctorInput,
  options: DoctorOptions = {},
): Promise<DoctorFinding[]> {
  const findings = OFFLINE_CHECKS.flatMap((check) => check(input));
  if (options.clockSkew !== false) findings.push(...(await clockSkewChecks(input, options)));
  return byLevel(findings);
}

/** Logs one finding through the app's logger: errors as errors, the rest as warnings. */
export function logFinding(logger: AuthLogger, finding: DoctorFinding): void {
  const line = `doctor ${finding.code}: ${finding.message}. Fix: ${finding.fix}`;
  if (finding.level === 'error') logger.error(line);
  else logger.warn(line);
}
