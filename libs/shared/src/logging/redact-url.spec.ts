import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret@cache:6379', 'redis://:***@cache:6379'],
    ['rediss://default:s3cret@cache.example.com:6380/2', 'rediss://default:***@cache.example.com:6380/2'],
    ['nats://edge:p%40ss@127.0.0.1:4222', 'nats://edge:***@127.0.0.1:4222'],
    ['nats://a:1@n1:4222,nats://b:2@n2:4222', 'nats://a:***@n1:4222,nats://b:***@n2:4222'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['nats://token@127.0.0.1:4222', 'nats://token@127.0.0.1:4222'],
    ['http://:s3cret@cache:6379', 'http://:***@cache:6379'],
    ['https://u:s3cret@host/', 'https://u:***@host/'],
  ])('hides the password of %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('drops whatever comes before an @ in text that is not a URL', () => {
    expect(redactUrl('rediss//:s3cret@cache:6379')).toBe('***@cache:6379');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
