import type { Request, RequestHandler } from 'express';
import { limitBytes, smallerParserLimit } from './body-parser-probe';
import type { DoctorFinding } from './types';

/** Where request checks send what they found (logged once, kept for `auth.doctor()`). */
export interface FindingSink {
  report(finding: DoctorFinding): void;
  /** A check still running after the request moved on; `auth.doctor()` waits for it. */
  track(work: Promise<void>): void;
}

function trustProxyUnset(req: Request): DoctorFinding | undefined {
  const forwarded = req.get('x-forwarded-for');
  if (forwarded === undefined || req.app.get('trust proxy')) return undefined;
  return {
    level: 'warn',
    code: 'TRUST_PROXY_UNSET',
    message:
      "Requests carry X-Forwarded-For but Express's 'trust proxy' is not set: every client " +
      "shares the proxy's IP, so rate limits and session records see one address",
    fix: "Call app.set('trust proxy', 1) (or the number of proxies in front of the app) before mounting the router",
  };
}

function smallerBodyLimit(limit: string | number): DoctorFinding {
  return {
    level: 'warn',
    code: 'BODY_LIMIT_SMALLER_THAN_ROUTER',
    message:
      `A JSON body parser mounted before the auth router refuses bodies the router accepts ` +
      `(its bodyLimit is ${String(limit)}); larger requests fail with the app's 413 before keyward sees them`,
    fix: "Mount the app's express.json() after the auth router, or give it a limit at least as large as the router's bodyLimit",
  };
}

/**
 * Checks only a request can answer, on the first requests the router sees: each reports at most
 * once, then costs nothing. Placed before the router's own body parser, so it sees whether the
 * app parsed the body already.
 */
export function createRequestDoctor(bodyLimit: string | number, sink: FindingSink): RequestHandler {
  let proxyChecked = false;
  let bodyChecked = false;
  const routerLimit = limitBytes(bodyLimit);
  return function keywardRequestDoctor(req, _res, next) {
    if (!proxyChecked) {
      const finding = trustProxyUnset(req);
      if (finding) {
        proxyChecked = true;
        sink.report(finding);
      }
    }
    // A body that is already parsed was read by a parser of the app, with the app's limit.
    if (!bodyChecked && req.body !== undefined && req.is('application/json')) {
      bodyChecked = true;
      if (routerLimit !== undefined) {
        sink.track(
          smallerParserLimit(req.app, routerLimit).then(
            (smaller) => {
              if (smaller) sink.report(smallerBodyLimit(bodyLimit));
            },
            () => undefined, // a probe that fails says nothing about the limit
          ),
        );
      }
    }
    next();
  };
}
