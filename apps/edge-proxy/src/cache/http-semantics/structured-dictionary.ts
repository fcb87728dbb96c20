import { type Directives, MAX_DELTA_SECONDS } from './cache-control';
import { SPACE, TAB } from './char-codes';

/**
 * Parses a targeted cache-control field (RFC 9213 §2.2): a Structured Field Dictionary (RFC 8941 §4.2.2),
 * strictly (lower-case keys, quoted strings, no trailing comma), except that an Integer of more than 15
 * digits is capped at 2^31 like any delta-seconds (RFC 9111 §1.2.2) instead of failing the field.
 * Returns undefined for an empty field or one that does not parse: RFC 9213 §2.2 says to ignore it whole.
 *
 * Members map to cache directives as RFC 9213 §2.2 describes: a Boolean true is a directive without an
 * argument, an Integer, Token or String its argument, `?0` no directive at all. Parameters are ignored.
 * A value no cache directive can have (Decimal, Byte Sequence, Inner List) counts as the directive without
 * its argument, which is the strict reading (`max-age` without a number is stale, `private` covers all).
 */
export function parseTargetedField(value: string | string[] | undefined): Directives | undefined {
  if (value === undefined) return undefined;
  // RFC 8941 §4.2: repeated field lines are one value joined by commas.
  const text = (typeof value === 'string' ? value : value.join(', ')).trim();
  if (text.length === 0) return undefined;
  const parser = new DictionaryParser(text);
  return parser.parse();
}

type Member = string | boolean;
/** A member whose value no cache directive can have. */
const UNUSABLE = true;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isLowerAlpha(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

function isAlpha(code: number): boolean {
  return isLowerAlpha(code | 0x20);
}

/** RFC 9110 tchar, plus ':' and '/' which sf-token allows after its first character, as a table of ASCII. */
const TOKEN_CHARS = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~:/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN_CHARS[char.charCodeAt(0)] = 1;

function isTokenChar(code: number): boolean {
  return TOKEN_CHARS[code] === 1;
}

function isKeyChar(code: number): boolean {
  return isLowerAlpha(code) || isDigit(code) || code === 0x5f || code === 0x2d || code === 0x2e || code === 0x2a;
}

function isBase64Char(code: number): boolean {
  return isAlpha(code) || isDigit(code) || code === 0x2b || code === 0x2f || code === 0x3d;
}

/** Thrown inside the parser only; parse() turns it into undefined. */
class Invalid extends Error {}

class DictionaryParser {
  private i = 0;

  constructor(private readonly text: string) {}

  parse(): Directives | undefined {
    const directives = new Map<string, string | true>();
    try {
      for (;;) {
        const key = this.key();
        const member = this.member();
        // RFC 8941: a key repeated takes its last value; `?0` means the directive is not given.
        if (member === false) directives.delete(key);
        else directives.set(key, member);
        this.skipWhitespace();
        if (this.i >= this.text.length) return directives;
        if (this.peek() !== 0x2c) throw new Invalid();
        this.i++;
        this.skipWhitespace();
        if (this.i >= this.text.length) throw new Invalid();
      }
    } catch (err) {
      if (err instanceof Invalid) return undefined;
      throw err;
    }
  }

  private peek(): number {
    return this.text.charCodeAt(this.i);
  }

  private skipWhitespace(): void {
    while (this.peek() === SPACE || this.peek() === TAB) this.i++;
  }

  private key(): string {
    const start = this.i;
    const first = this.peek();
    if (!isLowerAlpha(first) && first !== 0x2a) throw new Invalid();
    this.i++;
    while (isKeyChar(this.peek())) this.i++;
    return this.text.slice(start, this.i);
  }

  /** What follows a key: `=` and a value, or parameters only (a Boolean true). */
  private member(): Member {
    if (this.peek() !== 0x3d) {
      this.parameters();
      return true;
    }
    this.i++;
    return this.itemOrInnerList();
  }

  private itemOrInnerList(): Member {
    if (this.peek() !== 0x28) return this.item();
    this.i++;
    for (;;) {
      while (this.peek() === SPACE) this.i++;
      if (this.peek() === 0x29) {
        this.i++;
        this.parameters();
        return UNUSABLE;
      }
      this.item();
      const next = this.peek();
      if (next !== SPACE && next !== 0x29) throw new Invalid();
    }
  }

  private item(): Member {
    const value = this.bareItem();
    this.parameters();
    return value;
  }

  private parameters(): void {
    while (this.peek() === 0x3b) {
      this.i++;
      while (this.peek() === SPACE) this.i++;
      this.key();
      if (this.peek() === 0x3d) {
        this.i++;
        this.bareItem();
      }
    }
  }

  private bareItem(): Member {
    const code = this.peek();
    if (code === 0x2d || isDigit(code)) return this.number();
    if (code === 0x22) return this.string();
    if (code === 0x2a || isAlpha(code)) return this.token();
    if (code === 0x3a) return this.byteSequence();
    if (code === 0x3f) return this.boolean();
    throw new Invalid();
  }

  /** An Integer as its decimal text (capped at 2^31, however many digits); a Decimal is unusable. */
  private number(): Member {
    const negative = this.peek() === 0x2d;
    if (negative) this.i++;
    if (!isDigit(this.peek())) throw new Invalid();
    let value = 0;
    let digits = 0;
    while (isDigit(this.peek())) {
      if (value < MAX_DELTA_SECONDS) value = value * 10 + (this.peek() - 0x30);
      digits++;
      this.i++;
    }
    if (this.peek() === 0x2e) {
      // sf-decimal: at most 12 digits, a dot, 1 to 3 digits.
      this.i++;
      let fraction = 0;
      while (isDigit(this.peek())) {
        fraction++;
        this.i++;
      }
      if (digits > 12 || fraction === 0 || fraction > 3) throw new Invalid();
      return UNUSABLE;
    }
    const capped = Math.min(value, MAX_DELTA_SECONDS);
    return negative ? `-${capped}` : String(capped);
  }

  /** sf-string: printable ASCII in double quotes; a backslash escapes only `"` and itself. */
  private string(): Member {
    this.i++;
    let out = '';
    let chunkStart = this.i;
    for (;;) {
      const code = this.peek();
      if (code === 0x22) {
        out += this.text.slice(chunkStart, this.i++);
        return out;
      }
      if (code === 0x5c) {
        const escaped = this.text.charCodeAt(this.i + 1);
        if (escaped !== 0x22 && escaped !== 0x5c) throw new Invalid();
        out += this.text.slice(chunkStart, this.i);
        chunkStart = this.i + 1;
        this.i += 2;
        continue;
      }
      // Also the end of the text (NaN): an unterminated string.
      if (!(code >= 0x20 && code <= 0x7e)) throw new Invalid();
      this.i++;
    }
  }

  private token(): Member {
    const start = this.i;
    this.i++;
    while (isTokenChar(this.peek())) this.i++;
    return this.text.slice(start, this.i);
  }

  private byteSequence(): Member {
    this.i++;
    while (isBase64Char(this.peek())) this.i++;
    if (this.peek() !== 0x3a) throw new Invalid();
    this.i++;
    return UNUSABLE;
  }

  private boolean(): Member {
    this.i++;
    const code = this.peek();
    if (code !== 0x30 && code !== 0x31) throw new Invalid();
    this.i++;
    return code === 0x31;
  }
}
