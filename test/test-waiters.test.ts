import { Waiters } from './helpers/waiters';

// The suite's mail and SMS waits: a failed wait must not swallow the message meant for the next.
describe('waiting for a mail or an SMS in tests', () => {
  it('rejects naming what it waited for, and leaves the queue', async () => {
    const waiters = new Waiters<string>();
    await expect(waiters.next('the reset mail', 10)).rejects.toThrow(
      'timed out after 10 ms waiting for the reset mail',
    );
    expect(waiters.waiting).toBe(0);
  });

  it('gives the next message to the next waiter, not to one that timed out', async () => {
    const waiters = new Waiters<string>();
    const stale = waiters.next('a mail that never came', 10).catch((err: Error) => err.message);
    expect(await stale).toMatch(/waiting for a mail that never came/);
    const fresh = waiters.next('the next mail');
    waiters.deliver('mail for the next test');
    await expect(fresh).resolves.toBe('mail for the next test');
  });
});
