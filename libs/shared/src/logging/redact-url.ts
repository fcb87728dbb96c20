/** The text that stands for a password in logged URLs. */
export const REDACTED = '***';

/**
 * A URL fit for a log line or an error message: the password of its user info is replaced by ***
 * (`redis://:***@cache:6379`, `nats://edge:***@nats:4222`). A comma-separated list is redacted part
 * by part. Text that does not parse as a URL loses everything before an `@`, which may be a password.
 */
export function redactUrl(text: string): string {
  return text
    .split(',')
    .map((part) => redactOne(part))
    .join(',');
}

function redactOne(part: string): string {
  let url: URL;
  try {
    url = new URL(part.trim());
  } catch {
    const at = part.lastIndexOf('@');
    return at === -1 ? part : `${REDACTED}${part.slice(at)}`;
  }
  if (url.password === '') return part;
  url.password = REDACTED;
  // http(s) URLs gain a "/" path when parsed; what was written had none.
  const added = url.pathname === '/' && !url.search && !url.hash && !part.trim().endsWith('/');
  return added ? url.href.slice(0, -1) : url.href;
}
