import { ActionRegistry } from '../../src';

/** What the seeded actions were really called with: a dry run must leave this empty. */
export interface ActionCall {
  id: string;
  args: unknown[];
}

export interface ActionsSeed {
  actions: ActionRegistry;
  made: ActionCall[];
}

/**
 * A registry of the actions an application would offer its webhook scripts, in two categories,
 * one depending on another (so the Control tab has an unavailable action to explain). Each
 * counts its real calls.
 */
export function seedWebhookActions(): ActionsSeed {
  const made: ActionCall[] = [];
  const actions = new ActionRegistry();
  const add = (
    id: string,
    label: string,
    category: string,
    description: string,
    dependsOn?: string[],
  ) =>
    actions.register({
      id,
      label,
      category,
      description,
      ...(dependsOn && { dependsOn }),
      fn: async (...args: unknown[]) => {
        made.push({ id, args });
        return { ok: true };
      },
    });
  add('plan.assign', 'Assign a plan', 'Billing', 'Gives a user the plan of a subscription.');
  add('plan.revoke', 'Revoke a plan', 'Billing', 'Takes a cancelled subscription’s plan away.');
  add('plan.notify', 'Tell the user', 'Billing', 'Emails the user about their plan changing.', [
    'plan.assign',
  ]);
  add('user.suspend', 'Suspend a user', 'Users', 'Signs a user out everywhere and blocks sign-in.');
  return { actions, made };
}
