import type { AuthSettings, ISettingsStore } from '../stores/settings';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, fail, nonce, show, trickyJson } from './support';

/**
 * Settings are one shared record, so the checks write two fixed keys of their own (overwritten
 * by every run, so they never pile up), set them to undefined afterwards (which a store may
 * treat as removal), and restore the keyward keys they change.
 */
const KEY_A = 'keywardConformanceA';
const KEY_B = 'keywardConformanceB';

async function current(store: ISettingsStore): Promise<AuthSettings> {
  const settings = await store.getSettings();
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    fail(`getSettings must return an object, got ${show(settings)}`);
  }
  return settings;
}

/** Removes the kit's own keys after the check (stores drop a key set to undefined). */
function removingOwnKeys(store: ISettingsStore, ctx: CheckContext): void {
  ctx.defer(() => store.updateSettings({ [KEY_A]: undefined, [KEY_B]: undefined }));
}

/** Puts back the values of `keys` as they were before the check. */
async function restoring(store: ISettingsStore, ctx: CheckContext, keys: string[]): Promise<void> {
  const before = await current(store);
  ctx.defer(() => store.updateSettings(Object.fromEntries(keys.map((k) => [k, before[k]]))));
}

/** Every check {@link checkSettingsStore} runs, in order (names are stable). */
export const settingsStoreChecks: readonly Check<ISettingsStore>[] = [
  {
    name: 'getSettings returns an object',
    async run(store) {
      await current(store);
    },
  },
  {
    name: 'emailVerificationMode and require2FA round-trip every value',
    async run(store, ctx) {
      await restoring(store, ctx, ['emailVerificationMode', 'require2FA']);
      for (const mode of ['none', 'lazy', 'strict'] as const) {
        for (const require2FA of [true, false]) {
          await store.updateSettings({ emailVerificationMode: mode, require2FA });
          const got = await current(store);
          expectEqual(
            { mode: got.emailVerificationMode, require2FA: got.require2FA },
            { mode, require2FA },
            'settings after updateSettings',
          );
        }
      }
    },
  },
  {
    name: 'updateSettings merges: keys not given keep their values',
    async run(store, ctx) {
      removingOwnKeys(store, ctx);
      await restoring(store, ctx, ['emailVerificationMode']);
      const [a, b] = [nonce(), nonce()];
      await store.updateSettings({ emailVerificationMode: 'lazy', [KEY_A]: a });
      await store.updateSettings({ [KEY_B]: b });
      const got = await current(store);
      expectEqual(
        [got.emailVerificationMode, got[KEY_A], got[KEY_B]],
        ['lazy', a, b],
        'after two partial updates',
      );
      await store.updateSettings({ [KEY_A]: `${a}-changed` });
      const again = await current(store);
      expectEqual([again[KEY_A], again[KEY_B]], [`${a}-changed`, b], 'after overwriting one key');
    },
  },
  {
    name: 'JSON values round-trip exactly: nested objects, arrays, numbers, null, unicode, NUL',
    async run(store, ctx) {
      removingOwnKeys(store, ctx);
      const value = { ...trickyJson(), run: nonce() };
      await store.updateSettings({ [KEY_A]: value });
      expectEqual((await current(store))[KEY_A], value, `settings.${KEY_A}`);
    },
  },
  {
    name: 'mutating passed-in or returned settings does not change the stored ones',
    async run(store, ctx) {
      removingOwnKeys(store, ctx);
      const n = nonce();
      const value = { n, list: [1] };
      await store.updateSettings({ [KEY_A]: value, [KEY_B]: n });
      value.n = 'changed by caller';
      value.list.push(2);
      const got = await current(store);
      got[KEY_B] = 'changed by caller';
      const returned = got[KEY_A];
      if (typeof returned === 'object' && returned !== null) (returned as { n: string }).n = 'x';
      const again = await current(store);
      expectEqual([again[KEY_A], again[KEY_B]], [{ n, list: [1] }, n], 'stored settings');
    },
  },
];

/**
 * Checks an {@link ISettingsStore}. It writes two keys of its own (`keywardConformanceA`,
 * `keywardConformanceB`, set back to undefined afterwards) and temporarily changes
 * `emailVerificationMode` and `require2FA`, restoring them afterwards: do not run it against
 * the settings of a live deployment.
 */
export function checkSettingsStore(
  store: ISettingsStore,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('ISettingsStore', store, settingsStoreChecks, options);
}
