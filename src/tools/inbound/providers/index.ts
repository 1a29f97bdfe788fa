import { genericHmacProblems, genericHmacVerifier } from './generic-hmac';
import { githubVerifier } from './github';
import { standardVerifier } from './standard';
import { stripeVerifier } from './stripe';
import { PROVIDER_NAME } from '../../../stores/inbound-verify';
import type { InboundProviderConfig, InboundVerifier, InboundVerify } from './types';

export type {
  GenericHmacVerify,
  InboundProviderConfig,
  InboundVerifier,
  InboundVerify,
  VerifyInput,
} from './types';

/** A verifier that accepts everything: `verify: 'none'`, chosen explicitly. */
const unverified: InboundVerifier = {
  verify: () => true,
  deliveryId: () => undefined,
};

/** The verifier of a scheme. */
export function verifierFor(verify: InboundVerify): InboundVerifier {
  if (verify === 'github') return githubVerifier;
  if (verify === 'stripe') return stripeVerifier;
  if (verify === 'standard') return standardVerifier;
  if (verify === 'none') return unverified;
  return genericHmacVerifier(verify);
}

/** The secrets of a configuration, blanks dropped (an empty key would sign for anyone). */
export function secretsOf(secret: string | string[] | undefined): string[] {
  const list = Array.isArray(secret) ? secret : secret === undefined ? [] : [secret];
  return list.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

export { PROVIDER_NAME } from '../../../stores/inbound-verify';

/**
 * Problems of the router's `providers` option. A provider without a secret is fine only when
 * the webhook store can supply one (`secretFromStore`).
 */
export function providerProblems(
  providers: Record<string, InboundProviderConfig>,
  secretFromStore: boolean,
): string[] {
  const problems: string[] = [];
  for (const [name, config] of Object.entries(providers)) {
    const at = `providers.${name}`;
    if (!PROVIDER_NAME.test(name))
      problems.push(`${at}: use letters, digits and . _ - (at most 64)`);
    const verify = (config as Partial<InboundProviderConfig> | undefined)?.verify;
    if (verify === undefined) {
      problems.push(`${at}.verify is required (use 'none' to accept unsigned requests knowingly)`);
      continue;
    }
    if (typeof verify === 'object' && verify !== null) {
      if (verify.kind !== 'hmac') problems.push(`${at}.verify.kind must be 'hmac'`);
      else problems.push(...genericHmacProblems(verify).map((p) => `${at}.${p}`));
    } else if (!['github', 'stripe', 'standard', 'none'].includes(verify)) {
      problems.push(`${at}.verify must be github, stripe, standard, none or an hmac header`);
    }
    if (verify !== 'none' && secretsOf(config.secret).length === 0 && !secretFromStore)
      problems.push(`${at}.secret is required (or a webhook store holding the provider's secret)`);
    const tolerance = config.toleranceSeconds;
    if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance > 0))
      problems.push(`${at}.toleranceSeconds must be a positive number`);
  }
  return problems;
}
