import { describe, expect, it } from 'vitest';
import { BodyCollector } from './body-collector';

describe('BodyCollector', () => {
  it('joins the chunks of a body within the limit', () => {
    const collector = new BodyCollector(10);
    collector.push(Buffer.from('hello '));
    collector.push(Buffer.from('you'));
    expect(collector.body()?.toString()).toBe('hello you');
  });

  it('gives up and lets go of the chunks once the limit is crossed', () => {
    const collector = new BodyCollector(4);
    expect(collector.push(Buffer.from('abc'))).toBe(true);
    expect(collector.push(Buffer.from('de'))).toBe(false);
    expect(collector.push(Buffer.from('f'))).toBe(false);
    expect(collector.body()).toBeUndefined();
  });
});
