import { describe, expect, it } from 'vitest';
import { interimHead } from './interim';

/** An interim answer as Node's client reports it: raw fields in order, and the parsed ones for Connection. */
function info(statusCode: number, rawHeaders: string[]) {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
  return { statusCode, headers, rawHeaders };
}

describe('interim heads passed on to clients', () => {
  it('keeps the node\'s fields in order, repeated Link fields as separate lines', () => {
    const head = interimHead(info(103, ['Link', '</a.css>; rel=preload; as=style', 'Link', '</b.js>; rel=preload; as=script', 'X-Trace', '1']));
    expect(head).toBe('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload; as=style\r\nLink: </b.js>; rel=preload; as=script\r\nX-Trace: 1\r\n\r\n');
  });

  it('drops hop-by-hop fields, those Connection names, and Content-Length (RFC 9110 §7.6.1, §15.2)', () => {
    const head = interimHead(info(103, ['Connection', 'x-private', 'X-Private', 'secret', 'Keep-Alive', 'timeout=5', 'Content-Length', '12', 'Link', '</a.css>; rel=preload']));
    expect(head).toBe('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
  });

  it('writes 102 Processing with no fields, and an unknown 1xx with an empty reason phrase', () => {
    expect(interimHead(info(102, []))).toBe('HTTP/1.1 102 Processing\r\n\r\n');
    expect(interimHead(info(104, ['X-Upload', 'part']))).toBe('HTTP/1.1 104 \r\nX-Upload: part\r\n\r\n');
  });
});
