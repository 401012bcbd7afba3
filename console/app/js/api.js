// The Accounts API over the console session: the cookie travels by itself (HttpOnly), and every
// request that changes something echoes the session's CSRF token.

const meta = document.querySelector('meta[name="accountsd-api-root"]');
export const API_ROOT = (meta && meta.content) || '/apis/accounts/v1';
const SESSION_URL = new URL('session', document.baseURI).pathname;

let csrfToken = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.reason) || `The server answered ${status}.`);
    this.status = status;
    this.body = body || {};
    this.retryAfter = retryAfter;
  }
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function send(method, url, body) {
  // X-Requested-With: the server then answers a 401 without a Basic challenge, which would make
  // the browser open its own login dialog once the session cookie is gone.
  const headers = { Accept: 'application/json', 'X-Requested-With': 'accountsd-console' };
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(url, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { reason: 'The server could not be reached. Check the connection and try again.' });
  }
  let data = null;
  const text = res.status === 204 ? '' : await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { reason: text.slice(0, 200) }; }
  }
  if (!res.ok) {
    const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(res.status, data, Number.isFinite(retry) ? retry : null);
  }
  return data;
}

/** api('GET', '/users/', {query: {limit: 50}}) */
export async function api(method, path, { query, body } = {}) {
  const url = new URL(API_ROOT + path, document.baseURI);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  try {
    return await send(method, url.pathname + url.search, body);
  } catch (err) {
    if (err.status === 401) {
      csrfToken = null;
      onUnauthorized();
    }
    throw err;
  }
}

export const get = (path, query) => api('GET', path, { query });
export const post = (path, body, query) => api('POST', path, { body, query });
export const del = (path, query) => api('DELETE', path, { query });

export function userPath(u) {
  return `/users/${encodeURIComponent(u)}`;
}

/** The session, or null when signed out. */
export async function currentSession() {
  try {
    const s = await send('GET', SESSION_URL);
    csrfToken = s.csrf_token;
    return s;
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

export async function signIn(username, password) {
  const s = await send('POST', SESSION_URL, { username, password });
  csrfToken = s.csrf_token;
  return s;
}

export async function signOut() {
  try {
    await send('DELETE', SESSION_URL);
  } finally {
    csrfToken = null;
  }
}
