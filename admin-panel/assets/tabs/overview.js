// Overview tab: what happened over the last days, from one request (`api/overview`), which the
// server counts in the event log and lays on every day of the window. Charts are drawn by
// charts.js; the numbers on the cards are the window's totals.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { icon } from '../icons.js';
import { lineChart, stackedBarChart } from '../charts.js';
import { errorBlock, loading, pageHeader } from '../ui.js';

const RANGES = [7, 14, 30, 90];
const DEFAULT_DAYS = 14;

/** The cards above the charts: a total each, with what it counts. */
const CARDS = [
  { key: 'loginSucceeded', label: 'Sign-ins', hint: 'identity.auth.login.success' },
  { key: 'loginFailed', label: 'Failed sign-ins', hint: 'identity.auth.login.failed' },
  { key: 'usersCreated', label: 'New users', hint: 'identity.user.created' },
  { key: 'twoFactorEnabled', label: '2FA turned on', hint: 'identity.user.2fa.enabled' },
  {
    key: 'webhookSucceeded',
    label: 'Deliveries',
    hint: 'identity.webhook.delivery.succeeded',
  },
  { key: 'webhookDead', label: 'Dead deliveries', hint: 'identity.webhook.delivery.dead' },
];

function statCard({ key, label, hint }, totals) {
  const warn = (key === 'webhookDead' || key === 'loginFailed') && totals[key] > 0;
  return h(
    'div',
    { class: ['stat', warn && 'stat-warn'], dataset: { metric: key }, title: hint },
    h('span', { class: 'stat-label' }, label),
    h('strong', { class: 'stat-value' }, totals[key].toLocaleString()),
  );
}

function chartCard(title, description, chart) {
  return h(
    'section',
    { class: 'card card-pad chart-card' },
    h('h2', { class: 'card-title' }, title),
    h('p', { class: 'muted small' }, description),
    chart,
  );
}

/** Every metric's counts by key. */
function countsOf(overview) {
  return Object.fromEntries(overview.metrics.map((m) => [m.key, m.counts]));
}

function charts(overview) {
  const counts = countsOf(overview);
  const { dates, days } = overview;
  const period = `over the last ${days} ${days === 1 ? 'day' : 'days'}`;
  return [
    chartCard(
      'Sign-ins',
      'Sign-ins that started a session (any method) and failed password attempts, per day.',
      lineChart({
        id: 'chart-sign-ins',
        width: 900,
        label: `Sign-ins per day ${period}`,
        dates,
        series: [
          { label: 'Succeeded', values: counts.loginSucceeded, colour: 0 },
          { label: 'Failed', values: counts.loginFailed, colour: 2 },
        ],
      }),
    ),
    chartCard(
      'Users',
      'Accounts created, and users who turned on two-factor authentication.',
      lineChart({
        id: 'chart-users',
        width: 430,
        label: `New users and 2FA per day ${period}`,
        dates,
        series: [
          { label: 'New users', values: counts.usersCreated, colour: 1 },
          { label: '2FA turned on', values: counts.twoFactorEnabled, colour: 3 },
        ],
      }),
    ),
    chartCard(
      'Webhook deliveries',
      'Delivered, failed attempts (retried) and dead deliveries, which wait for a replay.',
      stackedBarChart({
        id: 'chart-webhooks',
        width: 430,
        label: `Webhook deliveries per day ${period}`,
        dates,
        series: [
          { label: 'Delivered', values: counts.webhookSucceeded, colour: 1 },
          { label: 'Failed attempts', values: counts.webhookFailed, colour: 4 },
          { label: 'Dead', values: counts.webhookDead, colour: 2 },
        ],
      }),
    ),
  ];
}

export async function render(view) {
  const state = { days: DEFAULT_DAYS, loadId: 0 };
  const body = h('div', { class: 'overview', id: 'overview' });
  const range = h(
    'select',
    {
      class: 'select',
      id: 'overview-days',
      'aria-label': 'Period',
      onChange: () => {
        state.days = Number(range.value);
        void load();
      },
    },
    RANGES.map((days) =>
      h('option', { value: String(days), selected: days === DEFAULT_DAYS }, `Last ${days} days`),
    ),
  );
  const refresh = h(
    'button',
    { type: 'button', class: 'btn', onClick: () => void load() },
    icon('refresh'),
    h('span', { class: 'btn-label' }, 'Refresh'),
  );
  view.append(
    pageHeader('Overview', 'Activity per day (UTC), counted from the event log.', range, refresh),
    body,
  );

  async function load() {
    const loadId = ++state.loadId;
    body.setAttribute('aria-busy', 'true');
    if (!body.firstChild) replace(body, loading());
    try {
      const overview = await api('overview', { query: { days: state.days } });
      if (loadId !== state.loadId) return;
      replace(
        body,
        h(
          'div',
          { class: 'stats' },
          CARDS.map((card) => statCard(card, overview.totals)),
        ),
        h('div', { class: 'chart-grid-layout' }, charts(overview)),
      );
    } catch (error) {
      if (loadId !== state.loadId) return;
      replace(
        body,
        errorBlock(error, () => void load()),
      );
    } finally {
      if (loadId === state.loadId) body.removeAttribute('aria-busy');
    }
  }

  await load();
}
