import type { AuthConfig } from '../../core/config/types';
import { AuthConfigError } from '../../core/errors';
import type { OAuthStrategyOptions } from './settings';

/**
 * The options of a built-in provider, given directly or as `config.oauth.<provider>` of the
 * AuthConfig (the reference style `new GoogleStrategy(config)`).
 */
export function optionsFrom<O extends OAuthStrategyOptions>(
  provider: string,
  source: AuthConfig | O,
): O {
  if (!('accessTokenSecret' in source)) return source;
  const section = source.oauth?.[provider];
  if (typeof section !== 'object' || section === null) {
    throw new AuthConfigError([`oauth.${provider} is required to use the ${provider} strategy`]);
  }
  return section as O;
}
