import { SERVICES, serviceUrl } from './services';
import { API_KEY_BACKENDS, type ApiKeyBackend } from './api-key-backends';

/**
 * Declares `body` once per API key backend. A backend whose service URL is not set is skipped
 * with a loud warning (CI sets every URL); `backend()` returns the open one inside tests.
 */
export function describeApiKeyBackends(
  title: string,
  body: (backend: () => ApiKeyBackend, name: string) => void,
): void {
  for (const kase of API_KEY_BACKENDS) {
    const url = kase.needs ? serviceUrl(kase.needs) : undefined;
    const skipped = kase.needs !== undefined && url === undefined;
    const block = skipped ? describe.skip : describe;
    const label = skipped
      ? `${title} [${kase.name}] (no ${SERVICES[kase.needs!]})`
      : `${title} [${kase.name}]`;
    block(label, () => {
      let open: ApiKeyBackend | undefined;
      beforeAll(async () => {
        open = await kase.open(url);
      });
      afterAll(async () => {
        await open?.close();
      });
      body(() => {
        if (!open) throw new Error(`API key backend ${kase.name} did not open`);
        return open;
      }, kase.name);
    });
  }
}
