// The console's shell: session check, hash routing, header and navigation.
import { currentSession, setUnauthorizedHandler, signOut, get } from './api.js';
import { h, clear, announce } from './dom.js';
import { renderSignIn } from './pages/signin.js';
import { renderOverview } from './pages/overview.js';
import { renderUsers } from './pages/users.js';
import { renderUser } from './pages/user.js';
import { renderSettings } from './pages/settings.js';
import { renderAudit } from './pages/audit.js';
import { renderGroups } from './pages/groups.js';
import { renderPolicies, renderPolicy } from './pages/policies.js';
import { renderShares } from './pages/shares.js';
import { renderClients } from './pages/clients.js';
import { renderBilling } from './pages/billing.js';
import { renderPassword } from './pages/password.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const whoName = document.getElementById('who-name');
const company = document.getElementById('company');
let session = null;
let renderToken = 0;

const routes = [
  { re: /^\/?$/, page: renderOverview, nav: 'overview', title: 'Overview' },
  { re: /^\/overview$/, page: renderOverview, nav: 'overview', title: 'Overview' },
  { re: /^\/users$/, page: renderUsers, nav: 'users', title: 'Users' },
  { re: /^\/users\/(.+)$/, page: renderUser, nav: 'users', title: 'User' },
  { re: /^\/groups$/, page: renderGroups, nav: 'groups', title: 'Groups' },
  { re: /^\/policies$/, page: renderPolicies, nav: 'policies', title: 'Device policies' },
  { re: /^\/policies\/(.+)$/, page: renderPolicy, nav: 'policies', title: 'Device policy' },
  { re: /^\/shares$/, page: renderShares, nav: 'shares', title: 'Shares' },
  { re: /^\/clients$/, page: renderClients, nav: 'clients', title: 'Client revisions' },
  { re: /^\/settings$/, page: renderSettings, nav: 'settings', title: 'Settings' },
  { re: /^\/billing$/, page: renderBilling, nav: 'billing', title: 'Billing' },
  { re: /^\/password$/, page: renderPassword, nav: 'password', title: 'Change password' },
  { re: /^\/audit$/, page: renderAudit, nav: 'audit', title: 'Audit log' },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { path, params };
}

function setShell(signedIn) {
  nav.hidden = !signedIn;
  who.hidden = !signedIn;
  whoName.textContent = signedIn ? `Signed in as ${session.username}` : '';
  if (!signedIn) company.textContent = '';
}

/** Page context handed to every page. */
function context(extra) {
  return {
    main,
    session,
    setTitle(title) { document.title = `${title} · accountsd console`; },
    navigate(hash) { location.hash = hash; },
    ...extra,
  };
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

async function route({ focus = true } = {}) {
  const token = ++renderToken;
  if (!session) {
    setShell(false);
    clear(main);
    document.title = 'Sign in · accountsd console';
    renderSignIn(context({ onSignedIn: signedIn }));
    if (focus) main.querySelector('input')?.focus();
    return;
  }
  setShell(true);
  const { path, params } = parseHash();
  const match = routes.map((r) => ({ r, m: r.re.exec(path) })).find((x) => x.m);
  for (const link of nav.querySelectorAll('a')) {
    if (match && link.dataset.route === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear(main);
  if (!match) {
    document.title = 'Not found · accountsd console';
    main.append(h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/overview' }, 'Go to the overview')));
    if (focus) focusHeading();
    return;
  }
  document.title = `${match.r.title} · accountsd console`;
  main.setAttribute('aria-busy', 'true');
  try {
    await match.r.page(context({ params, args: match.m.slice(1).map(decodeURIComponent), isCurrent: () => token === renderToken }));
  } catch (err) {
    if (token !== renderToken || err.status === 401) return;
    clear(main);
    main.append(h('h1', {}, 'Something went wrong'), h('p', { class: 'form-error', role: 'alert' }, err.message));
  } finally {
    main.removeAttribute('aria-busy');
  }
  if (focus && token === renderToken) focusHeading();
}

async function signedIn(s) {
  session = s;
  loadCompany();
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/overview';
  else route();
  announce(`Signed in as ${s.username}.`);
}

async function loadCompany() {
  try {
    const info = await get('/partner/info');
    company.textContent = info.company_name;
  } catch {
    company.textContent = '';
  }
}

function signedOut(message) {
  session = null;
  route();
  if (message) announce(message);
}

setUnauthorizedHandler(() => {
  if (session) signedOut('Your session has ended. Sign in again.');
});

document.getElementById('signout').addEventListener('click', async () => {
  try {
    await signOut();
  } catch {
    // The session is gone either way on this side.
  }
  location.hash = '#/overview';
  signedOut('Signed out.');
});

// The skip link moves focus without touching the hash, which holds the route.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  const target = main.querySelector('h1') || main;
  target.setAttribute('tabindex', '-1');
  target.focus();
});

window.addEventListener('hashchange', () => route());

(async () => {
  try {
    session = await currentSession();
  } catch {
    session = null;
  }
  if (session) loadCompany();
  if (session && (!location.hash || location.hash === '#')) {
    history.replaceState(null, '', '#/overview');
  }
  route({ focus: false });
})();
