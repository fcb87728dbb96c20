/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750; the scheme is case-insensitive),
 * `undefined` when there is no such header, and `null` when there is one of another form.
 */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1] : null;
}
