import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { runWebhookScript } from '../../core/scripting/sandbox';
import { requireFeature, type AdminContext } from '../context';
import { parseInput, pathParam } from '../input';
import { dryRunBody } from './inbound-webhook-input';

/** The ids a settings store holds under a key, whatever else it holds. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * GET /webhook-actions (the Control tab's list) and the dry runs of inbound webhook scripts:
 * POST /webhooks/:id/dry-run (the stored script, or a draft of it) and POST /webhooks/dry-run
 * (a script not saved yet). A dry run executes the script in the same sandbox, with the same
 * limits and the same governance as a real request, but records action calls instead of making
 * them, and tracks no event: what the admin sees is what a delivery of that body would do.
 */
export function registerWebhookScriptRoutes(api: Router, ctx: AdminContext): void {
  const registry = ctx.options.actions;

  async function enabledActions(): Promise<string[]> {
    const store = ctx.stores.settingsStore;
    return store ? stringList((await store.getSettings()).enabledWebhookActions) : [];
  }

  api.get(
    '/webhook-actions',
    asyncHandler(async (_req, res) => {
      const enabled = await enabledActions();
      const enabledSet = new Set(enabled);
      const metas = registry.getAllMeta();
      // Offered to a script that allows every action: what governance lets through right now.
      const offered = new Set(
        Object.keys(
          registry.buildContext(
            enabled,
            metas.map((m) => m.id),
          ),
        ),
      );
      res.json({
        actions: metas.map((meta) => ({
          ...meta,
          dependsOn: meta.dependsOn ?? [],
          enabled: enabledSet.has(meta.id),
          available: offered.has(meta.id),
          missing: (meta.dependsOn ?? []).filter((dep) => !offered.has(dep)),
        })),
        enabled,
      });
    }),
  );

  async function dryRun(script: string, allowed: string[], body: unknown) {
    const actions = registry.buildContext(await enabledActions(), allowed);
    const run = await runWebhookScript(
      script,
      { body, actions },
      { dryRun: true, ...(ctx.options.sandbox !== undefined && { limits: ctx.options.sandbox }) },
    );
    return {
      dryRun: true,
      result: run.result,
      calls: run.calls,
      logs: run.logs,
      error: run.error ?? null,
      durationMs: run.durationMs,
      actions: Object.keys(actions),
    };
  }

  api.post(
    '/webhooks/dry-run',
    asyncHandler(async (req, res) => {
      requireFeature(ctx.stores.webhookStore, 'webhooks');
      const input = parseInput(req, dryRunBody);
      if (input.jsScript === undefined) {
        throw new AuthError('Give jsScript, the script to try', 'INVALID_INPUT', 400, {
          details: [{ field: 'jsScript', message: 'required' }],
        });
      }
      res.json(await dryRun(input.jsScript, input.allowedActions ?? [], input.body ?? null));
    }),
  );

  api.post(
    '/webhooks/:id/dry-run',
    asyncHandler(async (req, res) => {
      const store = requireFeature(ctx.stores.webhookStore, 'webhooks');
      const find = requireFeature(store.findById?.bind(store), 'webhook lookup');
      const input = parseInput(req, dryRunBody);
      const hook = await find(pathParam(req, 'id'));
      if (!hook || typeof hook.provider !== 'string' || hook.provider === '') {
        throw new AuthError('Inbound webhook not found', 'WEBHOOK_NOT_FOUND', 404);
      }
      const script = input.jsScript ?? hook.jsScript ?? '';
      const allowed = input.allowedActions ?? stringList(hook.allowedActions);
      res.json(await dryRun(script, allowed, input.body ?? null));
    }),
  );
}
