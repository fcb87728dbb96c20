import { describe, expect, it } from 'vitest';
import { publishableNodes } from './publishable-nodes';
import type { RouteNode } from './routing-table';

const node = (id: string, url: string): RouteNode => ({ id, url, location: 'eu', capacity: 1, status: 'active', load: 0 });

describe('publishableNodes', () => {
  it.each(['http:/127.0.0.1:31101', 'http:host', 'http:\\\\host', 'ftp://host'])('refuses a node whose URL is %s, and keeps the others', (url) => {
    const { nodes, refused } = publishableNodes([node('a', 'http://127.0.0.1:1'), node('bad', url), node('c', 'https://c.example.com/base')]);
    expect(nodes.map((n) => n.id)).toEqual(['a', 'c']);
    expect(refused).toEqual([{ id: 'bad', reason: expect.stringMatching(/^url: /) }]);
  });
});
