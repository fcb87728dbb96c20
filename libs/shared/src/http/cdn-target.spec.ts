import { describe, expect, it } from 'vitest';
import { normalizeCdnTarget, targetOfUrl } from './cdn-target';

describe('CDN targets', () => {
  it('normalises under /cdn, which nothing climbs out of', () => {
    expect(normalizeCdnTarget('/cdn/../../admin')).toBe('/cdn/admin');
  });

  it.each([
    ['http://cdn.example.com/cdn/a.png?v=2#top', '/cdn/a.png?v=2'],
    ['HTTPS://cdn.example.com', '/'],
    ['https://cdn.example.com?x=1', '/?x=1'],
    ['//cdn.example.com/a\\b/../c', '/a\\b/../c'],
    ['http://user@h:8080/x', '/x'],
  ])('the target of %s is %s, as written', (url, target) => {
    expect(targetOfUrl(url)).toBe(target);
  });

  it.each(['/a', 'ftp://x/a', 'cdn.example.com/a'])('%s is no absolute URL', (url) => {
    expect(targetOfUrl(url)).toBeUndefined();
  });
});
