import { describe, expect, it } from 'vitest';
import { addressOf, createNodeUrlAllowList } from './node-url-allow-list';

describe('the node URL allow-list', () => {
  it('is open when empty', () => {
    expect(createNodeUrlAllowList([]).open).toBe(true);
  });

  it('matches IPv4 addresses in CIDR blocks and single addresses', () => {
    const list = createNodeUrlAllowList(['10.0.0.0/8', '192.0.2.7']);
    expect(list.allowsAddress('10.1.2.3')).toBe(true);
    expect(list.allowsAddress('192.0.2.7')).toBe(true);
    for (const address of ['11.0.0.1', '192.0.2.8', '127.0.0.1', '169.254.169.254']) expect(list.allowsAddress(address), address).toBe(false);
  });

  it('matches IPv6 addresses in CIDR blocks', () => {
    const list = createNodeUrlAllowList(['fd00::/8', '2001:db8::1']);
    expect(list.allowsAddress('fd12:3456::1')).toBe(true);
    expect(list.allowsAddress('2001:db8::1')).toBe(true);
    for (const address of ['fe80::1', '::1', '2001:db8::2']) expect(list.allowsAddress(address), address).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 address as its IPv4 address, both ways', () => {
    expect(createNodeUrlAllowList(['10.0.0.0/8']).allowsAddress('::ffff:10.1.2.3')).toBe(true);
    expect(createNodeUrlAllowList(['10.0.0.0/8']).allowsAddress('::ffff:7f00:1')).toBe(false);
    expect(createNodeUrlAllowList(['::ffff:10.0.0.0/104']).allowsAddress('10.1.2.3')).toBe(true);
  });

  it('matches exact host names exactly and *. patterns on subdomains only', () => {
    const list = createNodeUrlAllowList(['cdn1.example.com', '*.nodes.example.net']);
    expect(list.allowsName('cdn1.example.com')).toBe(true);
    expect(list.allowsName('CDN1.example.com.')).toBe(true);
    expect(list.allowsName('a.nodes.example.net')).toBe(true);
    expect(list.allowsName('a.b.nodes.example.net')).toBe(true);
    for (const name of ['nodes.example.net', 'xnodes.example.net', 'cdn1.example.com.evil.net', 'evil-cdn1.example.com', 'cdn2.example.com']) expect(list.allowsName(name), name).toBe(false);
    expect(list.hasAddresses).toBe(false);
  });

  it('never matches an address against a name pattern', () => {
    expect(createNodeUrlAllowList(['*.example.com']).allowsAddress('10.0.0.1')).toBe(false);
  });

  it('addressOf takes URL hosts: IPv6 in brackets, names are not addresses', () => {
    expect(addressOf('[::1]')).toBe('::1');
    expect(addressOf('10.0.0.1')).toBe('10.0.0.1');
    expect(addressOf('localhost')).toBeUndefined();
  });
});
