import type { Request, RequestHandler, Response } from 'express';
import { consoleLogger } from '../../core/config/resolve';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { sendAuthError } from '../../core/http/error-middleware';
import type { ApiKeyAuditEntry, IApiKeyStore } from '../../stores/api-key';
import { GuessingLimit, type FailureCount } from './guessing-limit';
import { ApiKeyHasher } from './key-hasher';
import { API_KEY_PATTERN, loggablePrefix, prefixOf } from './key-format';
import { LastUsedRecorder } from './last-used';
import type { ApiKeyMiddlewareOptions } from './options';
import './request';
import { ApiKeyStrategy, apiKeyErrors, type ApiKeyOutcome } from './strategy';
import { BackgroundWork } from '../../core/background';

const defaultLogger = consoleLogger('keyward api-keys');

/** Longest header value read as a key; anything longer is no key of ours. */
const MAX_KEY_LENGTH = 200;

/** `Authorization: ApiKey <key>` (scheme in any case), else `X-Api-Key: <key>`. */
export function presentedKey(req: Request): string | undefined {
  const authorization = req.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^ApiKey[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) return match[1]!.slice(0, MAX_KEY_LENGTH);
  }
  const header = req.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, MAX_KEY_LENGTH) : undefined;
}

function tooManyAttempts(res: Response, until: Date): AuthError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  res.set('Retry-After', String(seconds));
  return new AuthError('Too many failed API key attempts; try again later', 'RATE_LIMITED', 429);
}

/** The request path for the audit log: no query string (it may carry secrets), bounded. */
const auditPath = (req: Request) => (req.originalUrl ?? req.url).split('?')[0]!.slice(0, 512);

/**
 * The API key middleware, plus `idle()`: resolves once the store writes it started after its
 * answers (lastUsedAt, audit entries, clearing a prefix's failure counter) have settled.
 */
export type ApiKeyMiddleware = RequestHandler & { idle(): Promise<void> };

/**
 * Guards routes with API keys: reads the key, checks it (see {@link ApiKeyStrategy}), sets
 * `req.apiKey` and calls the next handler, or answers `{ error, code }` with 401, 403 or 429.
 * Failed attempts are limited per client address and per key prefix by default.
 */
export function createApiKeyMiddleware(
  store: IApiKeyStore,
  options: ApiKeyMiddlewareOptions = {},
): ApiKeyMiddleware {
  const logger = options.logger ?? defaultLogger;
  // Store writes that follow the answer (lastUsedAt, audit entries, clearing a prefix's
  // failures): tracked so that `idle()` can tell a graceful shutdown, or a test, when they are done.
  const background = new BackgroundWork();
  const strategy = new ApiKeyStrategy(store, new ApiKeyHasher(options));
  const limit = options.rateLimit === false ? undefined : new GuessingLimit(options.rateLimit);
  const lastUsed = new LastUsedRecorder(
    store,
    options.lastUsedIntervalMs ?? 60_000,
    (err) => logger.error('API key: lastUsedAt not written', err),
    background,
  );
  const requirements = {
    requiredScopes: [...(options.requiredScopes ?? [])],
    enforceIpAllowlist: options.enforceIpAllowlist !== false,
  };
  const audit = options.auditLog && store.logUsage ? store.logUsage.bind(store) : undefined;
  if (options.auditLog && !store.logUsage) {
    throw new TypeError('keyward: auditLog needs an API key store with logUsage()');
  }

  /** Writes the audit entry once the answer is out; a failing write is logged only. */
  function record(
    req: Request,
    res: Response,
    entry: Omit<ApiKeyAuditEntry, 'at' | 'ip' | 'path' | 'method'>,
  ) {
    if (!audit) return;
    const full: ApiKeyAuditEntry = {
      ...entry,
      ip: req.ip ?? '',
      path: auditPath(req),
      method: req.method,
      at: new Date(),
    };
    res.once('finish', () => {
      background.run(
        () => audit(full),
        (err: unknown) => logger.error('API key: audit entry not written', err),
      );
    });
  }

  function announce(req: Request, prefix: string, counted: FailureCount): void {
    for (const crossing of counted.crossed) {
      options.eventBus?.publish(AuthEventNames.APIKEY_ABUSE, {
        ...(req.ip !== undefined && { ip: req.ip }),
        data: { ...crossing, keyPrefix: prefix },
      });
    }
  }

  async function check(req: Request, res: Response): Promise<AuthError | undefined> {
    const rawKey = presentedKey(req);
    if (rawKey === undefined) return apiKeyErrors.missing();
    const wellFormed = API_KEY_PATTERN.test(rawKey);
    const prefix = wellFormed ? prefixOf(rawKey) : loggablePrefix(rawKey);
    // req.ip runs Express's trust-proxy parsing on every read: read it once, and only if needed.
    let ip: string | undefined;
    let ipRead = false;
    const ipOf = () => {
      if (!ipRead) [ip, ipRead] = [req.ip, true];
      return ip;
    };
    const lookup = wellFormed ? store.findByPrefix(prefix) : null;
    // The counters are read beside the lookup, not before it: no latency added.
    const counters = limit?.state(ipOf, prefix);
    const [key, state] =
      counters instanceof Promise
        ? await Promise.all([lookup, counters])
        : [await lookup, counters];
    const outcome = strategy.judge(rawKey, key, requirements, ipOf);
    const keyId = outcome.key?.id;
    if (state?.ipLockedUntil) {
      record(req, res, {
        ...(keyId && { keyId }),
        keyPrefix: prefix,
        success: false,
        reason: 'RATE_LIMITED',
      });
      return tooManyAttempts(res, state.ipLockedUntil);
    }
    if (outcome.ok) {
      req.apiKey = outcome.context;
      lastUsed.touch(outcome.key.id);
      if (state?.prefixHasFailures) {
        background.run(
          () => limit!.clearPrefix(prefix),
          (err: unknown) => logger.error('API key: failure counter not cleared', err),
        );
      }
      if (audit) record(req, res, { keyId: outcome.key.id, keyPrefix: prefix, success: true });
      return undefined;
    }
    return refuse(req, res, prefix, outcome, ipOf());
  }

  async function refuse(
    req: Request,
    res: Response,
    prefix: string,
    outcome: Extract<ApiKeyOutcome, { ok: false }>,
    ip: string | undefined,
  ): Promise<AuthError> {
    const keyId = outcome.key?.id;
    const counted = limit ? await limit.fail(ip, prefix, !outcome.secretMatched) : undefined;
    if (counted) announce(req, prefix, counted);
    // A correct secret never counts against its prefix, so only the address's lock refuses it.
    const lockedUntil = counted?.lockedUntil;
    const reason = lockedUntil ? 'RATE_LIMITED' : outcome.error.code;
    record(req, res, { ...(keyId && { keyId }), keyPrefix: prefix, success: false, reason });
    return lockedUntil ? tooManyAttempts(res, lockedUntil) : outcome.error;
  }

  const apiKeyMiddleware: RequestHandler = function apiKeyMiddleware(req, res, next) {
    check(req, res).then(
      (error) => (error ? sendAuthError(res, error) : next()),
      // A store that reports itself unavailable answers 503 here; anything else is the app's.
      (err: unknown) => (err instanceof AuthError ? sendAuthError(res, err) : next(err)),
    );
  };
  return Object.assign(apiKeyMiddleware, { idle: () => background.idle() });
}
