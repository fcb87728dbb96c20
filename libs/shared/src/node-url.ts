/**
 * What makes a node URL valid, in one place: registration, the nodes-file loader and the routing table
 * all go through checkNodeUrl (via nodeUrlSchema), so a URL one of them accepts is never refused by another.
 */

/** C0 controls, DEL, C1 controls and the Unicode line and paragraph separators: each could forge a log line. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const MAX_NODE_URL_LENGTH = 2048;

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

export type NodeUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Checks a node URL and returns it canonical: scheme and host in lower case, a default port dropped.
 * The WHATWG parser repairs much more than that (`http:/host`, `http:host`, `http:\\host`, `..` segments,
 * `0x7f.1` hosts), and the parsers of probes, edges or a user's own scripts may not repair it the same
 * way; so a URL that reads differently once parsed is refused with the form to write instead.
 * Credentials, queries and fragments are refused always: `GET /nodes` shows the URL to every reader,
 * and every probe and forwarded request would carry them.
 */
export function checkNodeUrl(raw: string): NodeUrlCheck {
  if (CONTROL_CHARACTERS.test(raw)) return fail('must not contain control characters (line breaks, tabs, C0/C1 controls)');
  if (raw.length > MAX_NODE_URL_LENGTH) return fail(`must be at most ${MAX_NODE_URL_LENGTH} characters`);
  const url = parse(raw);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return fail('must be an absolute http:// or https:// URL');
  if (url.username !== '' || url.password !== '') return fail('must not contain credentials (user:password@); protect the node by other means, such as --node-url-allow and a private network');
  if (url.href.includes('?')) return fail('must not have a query (?...): probes and forwarded requests would all carry it');
  if (url.href.includes('#')) return fail('must not have a fragment (#...)');

  const prefix = `${url.protocol}//`;
  const rest = raw.slice(prefix.length);
  const slash = rest.indexOf('/');
  const authority = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? '' : rest.slice(slash);
  const sameAuthority = authority === url.host || (url.port === '' && authority === `${url.host}:${DEFAULT_PORTS[url.protocol]}`);
  const samePath = path === url.pathname || (path === '' && url.pathname === '/');
  if (raw.slice(0, prefix.length).toLowerCase() !== prefix || !sameAuthority || !samePath) {
    return fail(`is not written the way URL parsers read it; write it as ${url.href}`);
  }
  // The user's choice of "http://host" or "http://host/" is kept: both are canonical.
  return { ok: true, url: `${prefix}${url.host}${path}` };
}

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function fail(problem: string): NodeUrlCheck {
  return { ok: false, problem };
}
