import type { Router } from 'express';
import { buildOpenApiDocument, type OpenApiDocument } from './core/openapi/document';
import { docsOperations, mountApiDocs } from './core/openapi/docs-routes';
import { docsEnabled } from './core/openapi/options';
import { CSRF_ERRORS, mergeErrors, type ApiOperation } from './core/openapi/operation';
import { accountOperations } from './features/account/openapi';
import { apiKeyOperations } from './features/api-keys/openapi';
import { supportsLinkTokens } from './features/linking/token';
import { linkingOperations } from './features/linking/openapi';
import { localOperations } from './features/local/openapi';
import { emailVerificationOperations } from './features/email/openapi';
import { magicLinkOperations } from './features/magic-link/openapi';
import { supportsMagicLinks } from './features/magic-link/token';
import { oauthOperations } from './features/oauth/openapi';
import { oauthStrategiesOf } from './features/oauth/routes';
import { sessionOperations } from './features/sessions/openapi';
import { smsOperations } from './features/sms/openapi';
import { totpOperations } from './features/totp/openapi';
import { healthOperations } from './doctor/openapi';
import type { AuthApiFeatures } from './router/api-features';
import type { RouterContext } from './router/context';
import type { RouterOptions } from './router-options';

/** `buildAuthOpenApiSpec`'s first argument: the optional features, and the docs routes. */
export interface AuthSpecFeatures extends AuthApiFeatures {
  /** GET /openapi.json and /docs themselves. */
  docs?: boolean;
}

/** The operations of the enabled features, in the router's mount order. */
function authOperations(features: AuthSpecFeatures): ApiOperation[] {
  const ops = [
    ...localOperations(features),
    ...sessionOperations(features),
    ...accountOperations(features),
    ...emailVerificationOperations(),
    ...(features.totp ? totpOperations() : []),
    ...(features.magicLink ? magicLinkOperations() : []),
    ...(features.sms ? smsOperations() : []),
    ...(features.oauth ? oauthOperations(features) : []),
    ...linkingOperations(features),
    ...apiKeyOperations(features),
    ...(features.health ? healthOperations() : []),
    ...(features.docs ? docsOperations() : []),
  ];
  // The origin guard stands before every unsafe route of the auth router.
  return ops.map((op) => {
    return op.method === 'get' ? op : { ...op, errors: mergeErrors(CSRF_ERRORS, op.errors) };
  });
}

/**
 * The auth router's OpenAPI 3.1 document: the routes `features` enable, under `basePath`
 * (where the router is mounted, default `/auth`). Request schemas are the routes' own.
 */
export function buildAuthOpenApiSpec(
  features: AuthSpecFeatures = {},
  basePath = '/auth',
): OpenApiDocument {
  return buildOpenApiDocument(
    {
      title: 'keyward auth API',
      description:
        'Sign-in, sessions, account and second factors. Errors answer `{ error, code }`; switch on `code`.',
      basePath,
    },
    authOperations(features),
  );
}

/**
 * The features a router mounts, read from the same conditions its features check when they
 * register (a test compares the result with the routes actually mounted).
 */
export function authFeaturesOf(ctx: RouterContext, options: RouterOptions): AuthSpecFeatures {
  const strategies = [...oauthStrategiesOf(options).keys()];
  const linked = ctx.options.linkedAccountsStore !== undefined;
  return {
    register: options.onRegister !== undefined,
    magicLink: supportsMagicLinks(ctx.users),
    totp: ctx.users.updateTotpSecret !== undefined,
    sms: true,
    oauth: strategies.length > 0 ? strategies : false,
    deleteAccount: ctx.users.deleteUser !== undefined,
    sessionCleanup: ctx.sessionStore.deleteExpiredSessions !== undefined,
    linkedAccounts: linked,
    linkRequests: linked && supportsLinkTokens(ctx.users),
    apiKeys: options.apiKeys?.selfService === true,
    health: options.health !== false,
    docs: docsEnabled(options.swagger),
  };
}

/** Mounts /openapi.json and /docs on the auth router when `swagger` allows. */
export function registerAuthDocs(router: Router, ctx: RouterContext, options: RouterOptions) {
  const features = authFeaturesOf(ctx, options);
  if (!features.docs) return;
  mountApiDocs(router, {
    title: 'keyward auth API',
    spec: () => buildAuthOpenApiSpec(features, options.swaggerBasePath ?? '/auth'),
    swaggerUiDist: options.swaggerUiDist,
  });
}
