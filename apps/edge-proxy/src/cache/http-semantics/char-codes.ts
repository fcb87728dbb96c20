/** Character codes the header parsers compare with charCodeAt, which allocates nothing. */
export const TAB = 0x09;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const BACKSLASH = 0x5c;

/** Optional whitespace (RFC 9110 §5.6.3): space or horizontal tab. */
export function isSpace(code: number): boolean {
  return code === SPACE || code === TAB;
}
