// Entry point: the sign-in screen, the tab bar and switching between tabs. Each tab is its own
// ES module under tabs/, loaded when first opened.
import { api, ApiError, onUnauthorized, secret } from './api.js';
import { byId, h, replace } from './dom.js';
import { icon } from './icons.js';
import { emptyState, errorBlock, loading } from './ui.js';

/** Tabs in display order; `feature` is the flag of api/ping that switches each one on. */
const TABS = [
  {
    id: 'users',
    label: 'Users',
    feature: 'users',
    icon: 'users',
    load: () => import('./tabs/users.js'),
  },
  {
    id: 'sessions',
    label: 'Sessions',
    feature: 'sessions',
    icon: 'sessions',
    load: () => import('./tabs/sessions.js'),
  },
  {
    id: 'roles',
    label: 'Roles & Permissions',
    feature: 'roles',
    icon: 'roles',
    load: () => import('./tabs/roles.js'),
  },
  {
    id: 'tenants',
    label: 'Tenants',
    feature: 'tenants',
    icon: 'tenants',
    load: () => import('./tabs/tenants.js'),
  },
  {
    id: 'api-keys',
    label: 'API Keys',
    feature: 'apiKeys',
    icon: 'key',
    load: () => import('./tabs/api-keys.js'),
  },
  {
    id: 'webhooks',
    label: 'Webhooks',
    feature: 'webhooks',
    icon: 'webhook',
    load: () => import('./tabs/webhooks.js'),
  },
  {
    id: 'events',
    label: 'Events',
    feature: 'events',
    icon: 'events',
    load: () => import('./tabs/events.js'),
  },
  {
    id: 'overview',
    label: 'Overview',
    feature: 'events',
    icon: 'chart',
    load: () => import('./tabs/overview.js'),
  },
  {
    id: 'control',
    label: 'Control',
    feature: 'settings',
    icon: 'control',
    load: () => import('./tabs/control.js'),
  },
];

const state = { features: null, tabs: [], current: null, renderId: 0 };

function visibleTabs(features) {
  return TABS.filter((tab) => features && features[tab.feature] === true);
}

function showLogin(message) {
  state.features = null;
  state.current = null;
  byId('shell').hidden = true;
  replace(byId('view'));
  replace(byId('tabs'));
  const drawer = byId('drawer');
  if (drawer.open) drawer.close();
  byId('login').hidden = false;
  const error = byId('login-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  const input = byId('login-secret');
  input.value = '';
  input.focus();
}

function signOut(message) {
  secret.clear();
  showLogin(message);
}

function tabFromHash() {
  const id = location.hash.replace(/^#\/?/, '');
  return state.tabs.find((tab) => tab.id === id) ?? state.tabs[0];
}

function renderTabBar() {
  const bar = byId('tabs');
  replace(
    bar,
    state.tabs.map((tab) =>
      h(
        'a',
        {
          href: `#/${tab.id}`,
          id: `tab-${tab.id}`,
          class: 'tab',
          role: 'tab',
          'aria-controls': 'view',
          dataset: { tab: tab.id },
        },
        icon(tab.icon),
        h('span', {}, tab.label),
      ),
    ),
  );
}

function markSelected(current) {
  for (const link of byId('tabs').querySelectorAll('.tab')) {
    const selected = link.dataset.tab === current.id;
    link.setAttribute('aria-selected', String(selected));
    link.tabIndex = selected ? 0 : -1;
    if (selected) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Shows the tab named in the URL hash (only the tab id is ever put in the URL). */
async function showTab() {
  if (!state.features) return;
  const view = byId('view');
  if (state.tabs.length === 0) {
    replace(
      view,
      emptyState(
        'Nothing to manage yet',
        'This admin router was built without a user listing or any optional store. See the admin docs to enable tabs.',
        'alert',
      ),
    );
    return;
  }
  const tab = tabFromHash();
  state.current = tab;
  markSelected(tab);
  byId('view').setAttribute('aria-labelledby', `tab-${tab.id}`);
  const renderId = ++state.renderId;
  replace(view, loading());
  try {
    const module = await tab.load();
    if (renderId !== state.renderId) return;
    replace(view);
    view.dataset.tab = tab.id;
    await module.render(view, { features: state.features });
  } catch (error) {
    if (renderId !== state.renderId) return;
    replace(
      view,
      errorBlock(error, () => void showTab()),
    );
  }
}

function enter(features) {
  state.features = features ?? {};
  state.tabs = visibleTabs(state.features);
  byId('login').hidden = true;
  byId('shell').hidden = false;
  renderTabBar();
  void showTab();
}

async function login(event) {
  event.preventDefault();
  const input = byId('login-secret');
  const error = byId('login-error');
  const button = byId('login-submit');
  const value = input.value;
  error.hidden = true;
  if (!value) {
    error.textContent = 'Enter the admin secret.';
    error.hidden = false;
    input.focus();
    return;
  }
  // Header values are Latin-1; anything else cannot be the secret and would fail in fetch().
  if (/[^\x20-\x7e]/.test(value)) {
    error.textContent = 'The secret contains characters that cannot be sent. Check for typos.';
    error.hidden = false;
    return;
  }
  button.disabled = true;
  button.textContent = 'Checking…';
  try {
    const ping = await api('ping', { secret: value });
    secret.set(value);
    input.value = '';
    enter(ping.features);
  } catch (failure) {
    const e = failure instanceof ApiError ? failure : new ApiError(String(failure), 'UNKNOWN', 0);
    if (e.status === 401) error.textContent = 'That secret was not accepted.';
    else if (e.status === 429) {
      const wait = e.retryAfter ? ` Try again in ${e.retryAfter} seconds.` : ' Try again later.';
      error.textContent = `Too many failed attempts.${wait}`;
    } else error.textContent = e.message;
    error.hidden = false;
    input.select();
  } finally {
    button.disabled = false;
    button.textContent = 'Sign in';
  }
}

/** Arrow keys move between tabs, as in any tab list. */
function onTabKey(event) {
  const links = [...byId('tabs').querySelectorAll('.tab')];
  const index = links.indexOf(document.activeElement);
  if (index < 0) return;
  let next;
  if (event.key === 'ArrowDown' || event.key === 'ArrowRight')
    next = links[(index + 1) % links.length];
  else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft')
    next = links[(index - 1 + links.length) % links.length];
  else if (event.key === 'Home') next = links[0];
  else if (event.key === 'End') next = links[links.length - 1];
  if (!next) return;
  event.preventDefault();
  next.focus();
  next.click();
}

async function start() {
  onUnauthorized(() => signOut('The admin secret is no longer accepted. Sign in again.'));
  byId('login-form').addEventListener('submit', (event) => void login(event));
  byId('logout').addEventListener('click', () => signOut());
  byId('tabs').addEventListener('keydown', onTabKey);
  window.addEventListener('hashchange', () => void showTab());
  byId('logout').prepend(icon('logout'));

  if (!secret.get()) {
    showLogin();
    return;
  }
  try {
    const ping = await api('ping');
    enter(ping.features);
  } catch (error) {
    // 401 has already signed out through onUnauthorized; show anything else on the login card.
    if (error.status !== 401) showLogin(error.message);
  }
}

void start();
