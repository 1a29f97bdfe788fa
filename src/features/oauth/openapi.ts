import { z } from 'zod';
import { RATE_LIMIT_ERRORS, type ApiOperation } from '../../core/openapi/operation';
import type { AuthApiFeatures } from '../../router/api-features';

const TAG = 'OAuth';

const REDIRECT_HEADERS = { Location: 'Where the browser goes next.' };

/**
 * The spec of GET /oauth/{name} and its callback. These are browser navigations: their
 * answers are redirects; failures after the provider's answer are redirects to the site's
 * error page (`?code=…`), not JSON.
 */
export function oauthOperations(features: AuthApiFeatures): ApiOperation[] {
  const names: readonly string[] = typeof features.oauth === 'object' ? features.oauth : [];
  const callback = {
    tag: TAG,
    summary: 'The provider’s answer (redirect target registered with the provider)',
    responses: {
      303: {
        description:
          'To the site: its success page with the session cookies set, the 2FA page, or the error page with `?code=…`.',
        headers: REDIRECT_HEADERS,
      },
    },
    errors: { 404: ['NOT_FOUND'] },
  } satisfies Partial<ApiOperation>;
  return [
    {
      method: 'get',
      path: '/oauth/:name',
      tag: TAG,
      summary: 'Start signing in with a provider (open in the browser)',
      description: `Providers: ${names.length > 0 ? names.join(', ') : 'as configured'}.`,
      query: z.object({
        returnTo: z
          .string()
          .optional()
          .meta({ description: 'A page of the site to come back to.' }),
      }),
      responses: {
        302: { description: 'To the provider’s authorization page.', headers: REDIRECT_HEADERS },
      },
      errors: {
        ...RATE_LIMIT_ERRORS,
        400: ['OAUTH_INVALID_RETURN_TO'],
        404: ['NOT_FOUND'],
        // A provider configured from its issuer whose discovery document could not be read.
        502: ['OAUTH_DISCOVERY_FAILED', 'OAUTH_DISCOVERY_ISSUER_MISMATCH'],
      },
    },
    { ...callback, method: 'get', path: '/oauth/:name/callback' },
    {
      ...callback,
      method: 'post',
      path: '/oauth/:name/callback',
      description: '`response_mode=form_post`: the provider’s page posts its answer as a form.',
      bodyType: 'application/x-www-form-urlencoded',
      body: z.record(z.string(), z.string()),
    },
  ];
}
