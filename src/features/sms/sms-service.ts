import type { ResolvedSms } from '../../core/config/resolved';
import { AuthError } from '../../core/errors';

/**
 * Delivers SMS messages: through `sms.sendSms` when given, otherwise one JSON POST
 * `{ to, message }` to `sms.endpoint`, with `X-API-Key: <apiKey>` and, when username and
 * password are set, HTTP Basic credentials. Any answer outside 2xx, a timeout or a network
 * error becomes SMS_DELIVERY_FAILED (502); the gateway's answer body is never passed on.
 */
export class SmsService {
  constructor(private readonly config: ResolvedSms) {}

  async send(to: string, message: string, code: string): Promise<void> {
    const { sendSms, endpoint } = this.config;
    if (sendSms) return sendSms(to, message, code);
    if (!endpoint) {
      throw new AuthError('SMS is not configured', 'SMS_NOT_CONFIGURED', 501);
    }
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({ to, message }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as { name?: unknown } | null)?.name === 'TimeoutError';
      throw deliveryFailed(
        timedOut ? 'the SMS endpoint timed out' : 'the SMS endpoint could not be reached',
      );
    }
    await response.body?.cancel();
    if (!response.ok) throw deliveryFailed(`the SMS endpoint answered ${response.status}`);
  }

  private headers(): Record<string, string> {
    const { apiKey, username, password } = this.config;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (apiKey) headers['X-API-Key'] = apiKey;
    if (username && password) {
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return headers;
  }
}

function deliveryFailed(reason: string): AuthError {
  return new AuthError(`SMS delivery failed: ${reason}`, 'SMS_DELIVERY_FAILED', 502);
}
