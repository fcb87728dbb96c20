// Calls to the admin API, with the operator's token when one was entered (kept for this tab only).

const TOKEN_KEY = 'cdn-dashboard-token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function authHeaders() {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** An answer the admin API refused, with its JSON error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Sends a request and answers its JSON; a 4xx/5xx throws ApiError with the API's own message. */
export async function call(method, path, body) {
  const headers = { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (err) {
    throw new ApiError(0, 'network', `The control plane did not answer (${err.message}).`);
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, json.error ?? String(res.status), json.message ?? `HTTP ${res.status}`);
  return json;
}
