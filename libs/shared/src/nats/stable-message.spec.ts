import { describe, expect, it } from 'vitest';
import { stableNatsMessage } from './stable-message';

describe('stableNatsMessage', () => {
  it('names every attempt of one failure alike', () => {
    expect(stableNatsMessage('Permissions Violation for Publish to "$JS.API.CONSUMER.CREATE.KV_cdn_routing.oc_V29HV79FRGSR1NK1G5CYBC_1.$KV.cdn_routing.>"')).toBe(
      'Permissions Violation for Publish to "$JS.API.CONSUMER.CREATE.KV_cdn_routing.oc_*.$KV.cdn_routing.>"',
    );
    expect(stableNatsMessage('Permissions Violation for Subscription to "_INBOX.BLL29FAN9YG98OSJM8KVXF.*"')).toBe('Permissions Violation for Subscription to "_INBOX.*"');
  });
});
