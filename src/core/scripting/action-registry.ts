import { AuthConfigError } from '../errors';
import type { SandboxAction } from './sandbox';

/**
 * A function a webhook script may call. Any parameters: the script passes JSON copies, so the
 * function must check what it is given like any other untrusted input.
 */
export type WebhookActionFn = (...args: never[]) => unknown;

/** What the admin panel shows of an action (everything but its function). */
export interface WebhookActionMeta {
  /** Stable id the script calls it by (`actions['subscription.cancel'](…)`). */
  id: string;
  label: string;
  /** Groups actions in the admin panel (`Billing`). */
  category: string;
  description: string;
  /**
   * Actions that must be enabled too (in the settings' `enabledWebhookActions`) before this one
   * is given to any script, checked transitively.
   */
  dependsOn?: string[];
}

/** An action with the function it runs (bound to its service). */
export interface WebhookActionEntry extends WebhookActionMeta {
  fn: WebhookActionFn;
}

/** Action ids: what a script can name in `actions[...]` and a settings list can hold. */
export const ACTION_ID = /^[A-Za-z0-9_.:-]{1,120}$/;

/**
 * The actions webhook scripts may call. A script never receives the registry: it receives the
 * object {@link ActionRegistry.buildContext} builds, holding only what is enabled globally AND
 * allowed for its webhook AND whose dependencies are enabled.
 *
 * The static methods act on {@link ActionRegistry.default}, the registry the router uses unless
 * given another, so code written against the reference (`ActionRegistry.register(…)`) works.
 */
export class ActionRegistry {
  /** The module-level registry the static methods, the decorator and the router default to. */
  static readonly default = new ActionRegistry();

  private readonly entries = new Map<string, WebhookActionEntry>();

  /** Adds an action; throws when the id is malformed or taken (two actions must never share one). */
  register(entry: WebhookActionEntry): void {
    const problems: string[] = [];
    if (typeof entry.id !== 'string' || !ACTION_ID.test(entry.id))
      problems.push(
        `webhook action id ${JSON.stringify(entry.id)}: use letters, digits and . _ : -`,
      );
    else if (this.entries.has(entry.id))
      problems.push(`webhook action ${entry.id} is registered already`);
    if (typeof entry.fn !== 'function')
      problems.push(`webhook action ${entry.id}: fn is not a function`);
    if (entry.dependsOn !== undefined && !Array.isArray(entry.dependsOn))
      problems.push(`webhook action ${entry.id}: dependsOn is not a list`);
    if (problems.length > 0) throw new AuthConfigError(problems);
    this.entries.set(entry.id, {
      ...entry,
      ...(entry.dependsOn !== undefined && { dependsOn: [...entry.dependsOn] }),
    });
  }

  /** Removes an action; resolves whether it was there (a service shutting down, tests). */
  unregister(id: string): boolean {
    return this.entries.delete(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Every action's metadata, in registration order, for the admin panel (no functions). */
  getAllMeta(): WebhookActionMeta[] {
    return [...this.entries.values()].map((entry) => ({
      id: entry.id,
      label: entry.label,
      category: entry.category,
      description: entry.description,
      ...(entry.dependsOn !== undefined && { dependsOn: [...entry.dependsOn] }),
    }));
  }

  /**
   * The actions one script receives: registered, in `enabledIds` (the global switch), in
   * `allowedIds` (the webhook's own list), and with every `dependsOn` enabled, transitively. A
   * dependency need not be allowed for the webhook: it says the service needs that feature on,
   * not that the script calls it. Each function is wrapped so it always returns a promise and
   * never exposes its bound service.
   */
  buildContext(
    enabledIds: readonly string[],
    allowedIds: readonly string[],
  ): Record<string, SandboxAction> {
    const enabled = new Set(enabledIds);
    const allowed = new Set(allowedIds);
    const settled = new Map<string, boolean>();
    const usable = (id: string, visiting: Set<string>): boolean => {
      const known = settled.get(id);
      if (known !== undefined) return known;
      // A cycle of enabled actions holds itself up: each member's other dependencies decide.
      if (visiting.has(id)) return true;
      const entry = this.entries.get(id);
      if (!entry || !enabled.has(id)) {
        settled.set(id, false);
        return false;
      }
      visiting.add(id);
      const ok = (entry.dependsOn ?? []).every((dep) => usable(dep, visiting));
      visiting.delete(id);
      if (visiting.size === 0) settled.set(id, ok);
      return ok;
    };
    // No prototype: `actions.constructor` or `actions.__proto__` name nothing.
    const context = Object.create(null) as Record<string, SandboxAction>;
    for (const entry of this.entries.values()) {
      if (!allowed.has(entry.id) || !usable(entry.id, new Set())) continue;
      const fn = entry.fn as (...args: unknown[]) => unknown;
      context[entry.id] = async (...args: unknown[]) => fn(...args);
    }
    return context;
  }

  /** {@link ActionRegistry.register} on the default registry. */
  static register(entry: WebhookActionEntry): void {
    ActionRegistry.default.register(entry);
  }

  /** {@link ActionRegistry.unregister} on the default registry. */
  static unregister(id: string): boolean {
    return ActionRegistry.default.unregister(id);
  }

  /** {@link ActionRegistry.getAllMeta} on the default registry. */
  static getAllMeta(): WebhookActionMeta[] {
    return ActionRegistry.default.getAllMeta();
  }

  /** {@link ActionRegistry.buildContext} on the default registry. */
  static buildContext(
    enabledIds: readonly string[],
    allowedIds: readonly string[],
  ): Record<string, SandboxAction> {
    return ActionRegistry.default.buildContext(enabledIds, allowedIds);
  }
}
