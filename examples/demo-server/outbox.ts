/**
 * DEMO ONLY. The demo has no mail server and no SMS gateway: every message it would send is
 * printed to the console and also kept here (the last few), so that someone trying the demo
 * without a terminal can read their links and codes on the page. A real app must never do this:
 * whoever can reach GET /demo/outbox reads every reset link and sign-in code of every user.
 * Only the demo server mounts it; the library knows nothing of it.
 */
import { Router } from 'express';

/** One message the demo would have sent. */
export interface OutboxMessage {
  id: number;
  /** ISO time it was "sent". */
  at: string;
  channel: 'mail' | 'sms';
  to: string;
  /** What the console shows, without the link. */
  text: string;
  /** The link in a mail (reset, verification, sign-in), when it has one. */
  link?: string;
}

/** How many messages the outbox keeps; older ones are dropped (they are in the console). */
const KEEP = 20;

export class DemoOutbox {
  private readonly messages: OutboxMessage[] = [];
  private nextId = 1;

  constructor(private readonly log: (line: string) => void) {}

  /** Prints `[channel] text: link` and keeps the message for the page. */
  add(channel: OutboxMessage['channel'], to: string, text: string, link?: string): void {
    this.log(`[${channel}] ${text}${link ? `: ${link}` : ''}`);
    const message: OutboxMessage = {
      id: this.nextId++,
      at: new Date().toISOString(),
      channel,
      to,
      text,
    };
    if (link) message.link = link;
    this.messages.unshift(message);
    this.messages.length = Math.min(this.messages.length, KEEP);
  }

  /** Newest first. */
  list(): OutboxMessage[] {
    return [...this.messages];
  }
}

/** GET / → `{ demoOnly: true, messages }`, newest first; never cached. */
export function demoOutboxRouter(outbox: DemoOutbox): Router {
  const router = Router();
  router.get('/', function demoOutbox(_req, res) {
    res.set('Cache-Control', 'no-store');
    res.json({ demoOnly: true, messages: outbox.list() });
  });
  return router;
}
