import {
  ActionRegistry,
  AuthConfigError,
  registerActions,
  webhookAction,
  type WebhookActionFn,
} from 'keyward';

const meta = (id: string, dependsOn?: string[]) => ({
  id,
  label: id,
  category: 'Billing',
  description: `does ${id}`,
  ...(dependsOn !== undefined && { dependsOn }),
});

/** A registry with a, b (needs a), c (needs b), d (needs missing), e. */
function registry(): ActionRegistry {
  const r = new ActionRegistry();
  r.register({ ...meta('a'), fn: async () => 'a' });
  r.register({ ...meta('b', ['a']), fn: async () => 'b' });
  r.register({ ...meta('c', ['b']), fn: async () => 'c' });
  r.register({ ...meta('d', ['missing']), fn: async () => 'd' });
  r.register({ ...meta('e'), fn: (x: number) => x * 2 });
  return r;
}

describe('ActionRegistry', () => {
  it('gives a script only what is enabled globally AND allowed for its webhook', () => {
    const r = registry();
    expect(Object.keys(r.buildContext(['a', 'e'], ['e']))).toEqual(['e']);
    expect(Object.keys(r.buildContext(['e'], ['a', 'e']))).toEqual(['e']);
    expect(Object.keys(r.buildContext([], ['a', 'e']))).toEqual([]);
    expect(Object.keys(r.buildContext(['a', 'e'], []))).toEqual([]);
    expect(Object.keys(r.buildContext(['nope'], ['nope']))).toEqual([]);
  });

  it('withholds an action until everything it depends on is enabled, transitively', () => {
    const r = registry();
    expect(Object.keys(r.buildContext(['b'], ['b']))).toEqual([]);
    expect(Object.keys(r.buildContext(['a', 'b'], ['b']))).toEqual(['b']);
    expect(Object.keys(r.buildContext(['b', 'c'], ['c']))).toEqual([]);
    expect(Object.keys(r.buildContext(['a', 'b', 'c'], ['c']))).toEqual(['c']);
    // A dependency nobody registered is never enabled.
    expect(Object.keys(r.buildContext(['d', 'missing'], ['d']))).toEqual([]);
  });

  it('settles a dependency cycle by its members: all enabled, all usable', () => {
    const r = new ActionRegistry();
    r.register({ ...meta('x', ['y']), fn: () => 1 });
    r.register({ ...meta('y', ['x']), fn: () => 2 });
    expect(Object.keys(r.buildContext(['x', 'y'], ['x', 'y']))).toEqual(['x', 'y']);
    expect(Object.keys(r.buildContext(['x'], ['x']))).toEqual([]);
  });

  it('wraps each function: always a promise, arguments passed through', async () => {
    const actions = registry().buildContext(['e'], ['e']);
    const result = actions.e?.(21);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(42);
    expect(Object.getPrototypeOf(actions)).toBeNull();
  });

  it('lists metadata without functions, as copies', () => {
    const r = registry();
    const all = r.getAllMeta();
    expect(all.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all[1]).toEqual({
      id: 'b',
      label: 'b',
      category: 'Billing',
      description: 'does b',
      dependsOn: ['a'],
    });
    expect(all.some((m) => 'fn' in m)).toBe(false);
    all[1]?.dependsOn?.push('z');
    expect(r.getAllMeta()[1]?.dependsOn).toEqual(['a']);
  });

  it('refuses a duplicate id, a malformed id and a missing function', () => {
    const r = registry();
    expect(() => r.register({ ...meta('a'), fn: () => 0 })).toThrow(AuthConfigError);
    expect(() => r.register({ ...meta('has space'), fn: () => 0 })).toThrow(/letters, digits/);
    expect(() => r.register({ ...meta('f'), fn: 'nope' as unknown as WebhookActionFn })).toThrow(
      /not a function/,
    );
    expect(r.unregister('a')).toBe(true);
    expect(() => r.register({ ...meta('a'), fn: () => 0 })).not.toThrow();
  });

  it('keeps the static methods of the reference, on the default registry', async () => {
    const id = `static.${Math.random().toString(36).slice(2)}`;
    ActionRegistry.register({ ...meta(id), fn: async () => 'static' });
    try {
      expect(ActionRegistry.default.has(id)).toBe(true);
      expect(ActionRegistry.getAllMeta().map((m) => m.id)).toContain(id);
      await expect(ActionRegistry.buildContext([id], [id])[id]?.()).resolves.toBe('static');
      expect(() => ActionRegistry.register({ ...meta(id), fn: () => 0 })).toThrow(AuthConfigError);
    } finally {
      expect(ActionRegistry.unregister(id)).toBe(true);
    }
  });
});

describe('@webhookAction with experimentalDecorators (how this suite is compiled)', () => {
  const into = new ActionRegistry();

  class SubscriptionService {
    cancelled: string[] = [];

    @webhookAction(meta('subscription.cancel'), into)
    async cancel(subscriptionId: string): Promise<void> {
      this.cancelled.push(subscriptionId);
    }

    @webhookAction(meta('subscription.notifyUser', ['subscription.cancel']), into)
    async notifyUser(userId: string): Promise<string> {
      return `told ${userId}`;
    }
  }

  it('marks methods; registerActions binds and registers them for the instance', async () => {
    const service = new SubscriptionService();
    expect(into.getAllMeta()).toEqual([]);
    expect(registerActions(service)).toEqual(['subscription.cancel', 'subscription.notifyUser']);
    const actions = into.buildContext(
      ['subscription.cancel', 'subscription.notifyUser'],
      ['subscription.cancel', 'subscription.notifyUser'],
    );
    await actions['subscription.cancel']?.('sub_1');
    expect(service.cancelled).toEqual(['sub_1']);
    await expect(actions['subscription.notifyUser']?.('u1')).resolves.toBe('told u1');
    expect(into.getAllMeta()[1]?.dependsOn).toEqual(['subscription.cancel']);
  });

  it('registers into the registry registerActions is given, before the decorator one', () => {
    class Other {
      @webhookAction(meta('other.ping'))
      ping(): string {
        return 'pong';
      }
    }
    const mine = new ActionRegistry();
    expect(registerActions(new Other(), mine)).toEqual(['other.ping']);
    expect(mine.has('other.ping')).toBe(true);
    expect(ActionRegistry.default.has('other.ping')).toBe(false);
  });

  it("includes a parent's marked methods, and a subclass's override of one wins", async () => {
    const r = new ActionRegistry();
    class Base {
      @webhookAction(meta('base.who'))
      who(): string {
        return 'base';
      }
      @webhookAction(meta('base.only'))
      only(): string {
        return 'only';
      }
    }
    class Child extends Base {
      @webhookAction(meta('base.who'))
      override who(): string {
        return 'child';
      }
    }
    expect(registerActions(new Child(), r).sort()).toEqual(['base.only', 'base.who']);
    await expect(r.buildContext(['base.who'], ['base.who'])['base.who']?.()).resolves.toBe('child');
    // The parent's own list was not extended by the child.
    expect(registerActions(new Base(), new ActionRegistry()).sort()).toEqual([
      'base.only',
      'base.who',
    ]);
  });
});

describe('@webhookAction with standard decorators', () => {
  /** What TypeScript passes a standard method decorator, for a method named `name`. */
  function standardContext(name: string) {
    const initializers: Array<(this: unknown) => void> = [];
    const context = {
      kind: 'method' as const,
      name,
      static: false,
      private: false,
      metadata: {},
      access: {
        has: (obj: object) => name in obj,
        get: (obj: unknown) => (obj as Record<string, WebhookActionFn>)[name],
      },
      addInitializer: (fn: (this: unknown) => void) => initializers.push(fn),
    };
    /** What the class constructor does with the initializers. */
    const construct = <T>(instance: T): T => {
      for (const init of initializers) init.call(instance);
      return instance;
    };
    return {
      context: context as unknown as ClassMethodDecoratorContext<unknown>,
      construct,
    };
  }

  class Mailer {
    sent: string[] = [];
    async send(to: string): Promise<void> {
      this.sent.push(to);
    }
  }

  /** The method itself, as TypeScript hands it to the decorator. */
  const mailerSend = Object.getOwnPropertyDescriptor(Mailer.prototype, 'send')
    ?.value as WebhookActionFn;

  it('registers the bound method when an instance is constructed', async () => {
    const r = new ActionRegistry();
    const { context, construct } = standardContext('send');
    const decorate = webhookAction(meta('mail.send'), r);
    expect(decorate(mailerSend, context)).toBeUndefined();
    expect(r.has('mail.send')).toBe(false);
    const mailer = construct(new Mailer());
    await r.buildContext(['mail.send'], ['mail.send'])['mail.send']?.('ann@example.com');
    expect(mailer.sent).toEqual(['ann@example.com']);
    // Nothing was left for registerActions: the initializer did the work.
    expect(registerActions(mailer, new ActionRegistry())).toEqual([]);
    // A second instance would register the same id again.
    expect(() => construct(new Mailer())).toThrow(AuthConfigError);
  });

  it('defaults to the module-level registry', () => {
    const id = `std.${Math.random().toString(36).slice(2)}`;
    const { context, construct } = standardContext('send');
    webhookAction(meta(id))(mailerSend, context);
    construct(new Mailer());
    try {
      expect(ActionRegistry.default.has(id)).toBe(true);
    } finally {
      ActionRegistry.unregister(id);
    }
  });

  it('refuses anything that is not a method', () => {
    const decorate = webhookAction(meta('bad')) as unknown as (...args: unknown[]) => void;
    expect(() => decorate({}, 'field', { value: 42 })).toThrow(/use it on an instance method/);
  });
});
