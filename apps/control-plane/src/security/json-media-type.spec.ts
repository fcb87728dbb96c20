import { describe, expect, it } from 'vitest';
import { declaresBody, isJsonMediaType } from './json-media-type';

describe('isJsonMediaType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', ' application/json '])('takes %j', (type) => {
    expect(isJsonMediaType(type)).toBe(true);
  });

  // The three types a browser form or no-cors fetch may send cross-site without a preflight, and neighbours.
  it.each([undefined, '', 'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', 'text/json', 'application/json-patch+json'])(
    'refuses %j',
    (type) => {
      expect(isJsonMediaType(type)).toBe(false);
    },
  );
});

describe('declaresBody', () => {
  it('a POST without Content-Length, or with 0, has no body', () => {
    expect(declaresBody({})).toBe(false);
    expect(declaresBody({ 'content-length': '0' })).toBe(false);
  });

  it('a Content-Length above 0 or any Transfer-Encoding declares one', () => {
    expect(declaresBody({ 'content-length': '12' })).toBe(true);
    expect(declaresBody({ 'transfer-encoding': 'chunked' })).toBe(true);
  });
});
