// DEMO ONLY: the mails and SMS the demo server printed instead of sending, from its demo-only
// GET /demo/outbox, so links and codes are at hand without a terminal. A real app has no such
// endpoint.
import { $, call, el } from './api.js';

const POLL_MS = 2000;
let newestShown = 0;

function messageItem(message) {
  const item = el('li');
  item.dataset.channel = message.channel;
  item.append(
    el('time', new Date(message.at).toLocaleTimeString()),
    el('span', message.channel.toUpperCase(), 'badge'),
    el('span', message.text),
  );
  if (message.link) {
    const link = el('a', message.link);
    link.href = message.link;
    item.append(link);
  }
  return item;
}

async function refresh() {
  const { messages } = await call('GET', '/demo/outbox');
  if ((messages[0]?.id ?? 0) === newestShown) return;
  newestShown = messages[0]?.id ?? 0;
  $('#outbox-messages').replaceChildren(...messages.map(messageItem));
  $('#outbox-empty').hidden = messages.length > 0;
}

/** Polls while the tab is visible: messages go out after the request that caused them ends. */
export function watchOutbox() {
  const tick = async () => {
    try {
      if (!document.hidden) await refresh();
    } catch {
      // The server is restarting or gone: try again at the next tick, quietly.
    } finally {
      setTimeout(() => void tick(), POLL_MS);
    }
  };
  void tick();
}
