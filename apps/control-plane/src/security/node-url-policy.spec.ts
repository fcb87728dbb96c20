import { describe, expect, it } from 'vitest';
import type { CdnConfig } from '@cdn/shared';
import { HostResolver, NodeUrlPolicy } from './node-url-policy';

const policy = (allow: string[], resolve?: HostResolver) => new NodeUrlPolicy({ nodeUrlAllow: allow } as CdnConfig, resolve);

describe('NodeUrlPolicy', () => {
  it('allows every URL without --node-url-allow', async () => {
    expect(await policy([]).problemWith('http://169.254.169.254/')).toBeUndefined();
  });

  it('refuses an internal address outside the allowed blocks', async () => {
    expect(await policy(['10.0.0.0/8']).problemWith('http://127.0.0.1:6379')).toBe('host 127.0.0.1 is outside --node-url-allow');
    expect(await policy(['10.0.0.0/8']).problemWith('http://[::1]:8080/')).toBe('host [::1] is outside --node-url-allow');
    expect(await policy(['10.0.0.0/8']).problemWith('http://10.2.3.4:8080/')).toBeUndefined();
  });

  it('resolves a name and allows it when its addresses are inside (localhost, with the system resolver)', async () => {
    expect(await policy(['127.0.0.0/8', '::1']).problemWith('http://localhost:8080')).toBeUndefined();
    expect(await policy(['10.0.0.0/8']).problemWith('http://localhost:8080')).toMatch(/^host localhost resolves to .*127\.0\.0\.1.*, outside --node-url-allow/);
  });

  it('refuses a name that does not resolve', async () => {
    expect(await policy(['10.0.0.0/8']).problemWith('http://nothing.invalid/')).toMatch(/^host nothing\.invalid could not be resolved \(ENOTFOUND\)/);
  });

  // A fixed DNS answer stands in for a name with several addresses, which the test machine's resolver has none of.
  it('refuses a name when any one of its addresses is outside (a record pointing inside and outside)', async () => {
    const twoAddresses: HostResolver = async () => ['10.0.0.5', '127.0.0.1'];
    expect(await policy(['10.0.0.0/8'], twoAddresses).problemWith('http://mixed.example.com/')).toBe(
      'host mixed.example.com resolves to 127.0.0.1, outside --node-url-allow (every address of a name must be inside an allowed block)',
    );
  });

  it('allows a name matching a host pattern without resolving it', async () => {
    const unused: HostResolver = async () => {
      throw new Error('resolved');
    };
    expect(await policy(['*.nodes.example.com', '10.0.0.0/8'], unused).problemWith('https://a.nodes.example.com/')).toBeUndefined();
  });

  it('refuses a name matching no pattern when only patterns are given, without resolving it', async () => {
    expect(await policy(['*.nodes.example.com']).problemWith('http://internal.svc.cluster.local/')).toBe('host internal.svc.cluster.local matches no --node-url-allow host pattern');
  });
});
