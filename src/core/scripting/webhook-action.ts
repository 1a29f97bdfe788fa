import { AuthConfigError } from '../errors';
import { ActionRegistry, type WebhookActionFn, type WebhookActionMeta } from './action-registry';

/** A method marked under `experimentalDecorators`, waiting for {@link registerActions}. */
interface MarkedMethod {
  key: string | symbol;
  meta: WebhookActionMeta;
  registry: ActionRegistry | undefined;
}

/**
 * Where legacy decorators leave their marks: on the prototype, under a registered symbol so two
 * copies of this module (ESM and CommonJS builds in one app) read each other's.
 */
const MARKS = Symbol.for('keyward.webhookActions');

/** The context TypeScript's standard (TC39) decorators pass a method decorator. */
type MethodContext = ClassMethodDecoratorContext<unknown>;

/**
 * `@webhookAction(meta)` compiles either way: with standard decorators TypeScript calls it with
 * `(method, context)`, with `experimentalDecorators` with `(prototype, name, descriptor)`.
 */
export interface WebhookActionDecorator {
  // The context's method type is left to its default: any method of any class is accepted.
  <This>(value: WebhookActionFn, context: ClassMethodDecoratorContext<This>): void;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): void;
}

function isStandardContext(value: unknown): value is MethodContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'method' &&
    typeof (value as { addInitializer?: unknown }).addInitializer === 'function'
  );
}

function copyMeta(meta: WebhookActionMeta): WebhookActionMeta {
  return { ...meta, ...(meta.dependsOn !== undefined && { dependsOn: [...meta.dependsOn] }) };
}

/**
 * Marks a service method as a webhook action.
 *
 * - Standard decorators (no `experimentalDecorators` in your tsconfig): each instance registers
 *   its bound method when it is constructed, in `registry` (default
 *   {@link ActionRegistry.default}). Construct the service once per registry: a second instance
 *   registers the same id and throws.
 * - `experimentalDecorators: true`: legacy method decorators cannot run code at construction,
 *   so the method is only marked; call {@link registerActions}`(instance)` once the service
 *   exists.
 */
export function webhookAction(
  meta: WebhookActionMeta,
  registry?: ActionRegistry,
): WebhookActionDecorator {
  const saved = copyMeta(meta);
  function decorate(value: unknown, context: unknown, descriptor?: PropertyDescriptor): void {
    if (isStandardContext(context)) {
      context.addInitializer(function registerBound(this: unknown) {
        const method = context.access.get(this);
        (registry ?? ActionRegistry.default).register({
          ...copyMeta(saved),
          fn: method.bind(this) as WebhookActionFn,
        });
      });
      return;
    }
    const key = context;
    if (
      typeof value !== 'object' ||
      value === null ||
      (typeof key !== 'string' && typeof key !== 'symbol') ||
      typeof descriptor?.value !== 'function'
    ) {
      throw new AuthConfigError([`@webhookAction ${saved.id}: use it on an instance method`]);
    }
    const target = value as Record<symbol, MarkedMethod[] | undefined>;
    // Own list per class: a subclass's marks must not be appended to its parent's.
    const own = Object.prototype.hasOwnProperty.call(target, MARKS) ? target[MARKS] : undefined;
    const marks = own ?? [];
    if (!own) Object.defineProperty(target, MARKS, { value: marks, enumerable: false });
    marks.push({ key, meta: saved, registry });
  }
  return decorate as WebhookActionDecorator;
}

/**
 * Registers the methods `@webhookAction` marked on `instance`'s class (and its parents), bound
 * to the instance: what the standard decorators do at construction, for code compiled with
 * `experimentalDecorators`. Each goes to `registry`, else the registry its decorator named, else
 * {@link ActionRegistry.default}. Returns the ids registered (none under standard decorators:
 * those registered themselves).
 */
export function registerActions(instance: object, registry?: ActionRegistry): string[] {
  const ids: string[] = [];
  const seen = new Set<string | symbol>();
  for (
    let proto: unknown = Object.getPrototypeOf(instance);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (!Object.prototype.hasOwnProperty.call(proto, MARKS)) continue;
    const marks = (proto as Record<symbol, MarkedMethod[]>)[MARKS] ?? [];
    for (const mark of marks) {
      // A subclass that overrides and re-marks a method wins over its parent.
      if (seen.has(mark.key)) continue;
      seen.add(mark.key);
      const method = (instance as Record<string | symbol, unknown>)[mark.key];
      if (typeof method !== 'function') continue;
      (registry ?? mark.registry ?? ActionRegistry.default).register({
        ...copyMeta(mark.meta),
        fn: (method as WebhookActionFn).bind(instance),
      });
      ids.push(mark.meta.id);
    }
  }
  return ids;
}
