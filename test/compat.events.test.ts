// The event bus as the reference SDK's documentation uses it: onEvent to subscribe, offEvent to
// stop, by name or on the '*' channel.
import { AuthEventBus, AuthEventNames, type AuthEventPayload } from 'keyward';

describe('AuthEventBus.offEvent (reference shape)', () => {
  it('stops a handler subscribed to one event name', () => {
    const bus = new AuthEventBus();
    const seen: string[] = [];
    const handler = (payload: AuthEventPayload) => {
      seen.push(payload.userId ?? '');
    };
    bus.onEvent(AuthEventNames.USER_CREATED, handler);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'u1' });
    bus.offEvent(AuthEventNames.USER_CREATED, handler);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'u2' });
    expect(seen).toEqual(['u1']);
  });

  it("stops a '*' handler and leaves the others subscribed", () => {
    const bus = new AuthEventBus();
    const wildcard: string[] = [];
    const named: string[] = [];
    const all = (payload: AuthEventPayload) => {
      wildcard.push(payload.event);
    };
    bus.onEvent('*', all);
    bus.onEvent(AuthEventNames.AUTH_LOGOUT, (payload) => {
      named.push(payload.event);
    });
    bus.offEvent('*', all);
    bus.publish(AuthEventNames.AUTH_LOGOUT, { userId: 'u1' });
    expect(wildcard).toEqual([]);
    expect(named).toEqual([AuthEventNames.AUTH_LOGOUT]);
  });

  it('removes only under the name the handler was subscribed with', () => {
    const bus = new AuthEventBus();
    const seen: string[] = [];
    const handler = (payload: AuthEventPayload) => {
      seen.push(payload.event);
    };
    bus.onEvent(AuthEventNames.USER_DELETED, handler);
    bus.offEvent('*', handler);
    bus.offEvent(AuthEventNames.USER_CREATED, handler);
    bus.publish(AuthEventNames.USER_DELETED, {});
    expect(seen).toEqual([AuthEventNames.USER_DELETED]);
  });

  it('is the same as calling what onEvent returned', () => {
    const bus = new AuthEventBus();
    const seen: string[] = [];
    const stop = bus.onEvent(AuthEventNames.USER_CREATED, (payload) => {
      seen.push(payload.event);
    });
    stop();
    bus.publish(AuthEventNames.USER_CREATED, {});
    expect(seen).toEqual([]);
  });
});
