/** Node's codes for a server certificate the client does not trust (its CA, dates or signature). */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** Whether a TLS error code says the server's certificate is not trusted (`alsoWrongHost`: nor is it for the host asked). */
export function isUntrustedCertificate(code: string | undefined, options: { alsoWrongHost?: boolean } = {}): boolean {
  if (code === undefined) return false;
  return UNTRUSTED_CODES.has(code) || (options.alsoWrongHost === true && code === 'ERR_TLS_CERT_ALTNAME_INVALID');
}
