import { describe, expect, it } from 'vitest';
import { routeNode } from '../../../test/balancer-fixtures';
import { parseClientLocation } from './client-location';
import { geoOrder, haversineKm } from './geo-order';

const ids = (groups: { id: string }[][]) => groups.map((group) => group.map((node) => node.id));

describe('geoOrder', () => {
  const cities = [
    routeNode('frankfurt', 'Frankfurt', 1, { lat: 50.11, lon: 8.68 }),
    routeNode('shanghai', 'Shanghai', 1, { lat: 31.23, lon: 121.47 }),
    routeNode('tianjin', 'Tianjin', 1, { lat: 39.13, lon: 117.2 }),
    routeNode('nowhere', 'Unknown', 1),
  ];

  it('orders by great-circle distance for "lat,lon": a Beijing client gets Tianjin, Shanghai, Frankfurt, then nodes without coordinates', () => {
    expect(ids(geoOrder(cities, '39.9,116.4'))).toEqual([['tianjin'], ['shanghai'], ['frankfurt'], ['nowhere']]);
    expect(ids(geoOrder(cities, ' 39.9 , 116.4 '))).toEqual([['tianjin'], ['shanghai'], ['frankfurt'], ['nowhere']]);
  });

  it('groups nodes of one metro area as equally near', () => {
    const nodes = [
      routeNode('bj-a', 'Beijing', 1, { lat: 39.9, lon: 116.4 }),
      routeNode('bj-b', 'Beijing', 1, { lat: 40.05, lon: 116.6 }),
      routeNode('tj', 'Tianjin', 1, { lat: 39.13, lon: 117.2 }),
    ];
    expect(ids(geoOrder(nodes, '39.91,116.39'))).toEqual([['bj-a', 'bj-b'], ['tj']]);
  });

  it('puts an exact location name first, case-insensitively, and the rest as one group (in the given order)', () => {
    const nodes = [routeNode('a', 'Shanghai', 1), routeNode('b', 'Beijing', 1), routeNode('c', 'Beijing', 1), routeNode('d', 'Frankfurt', 1)];
    expect(ids(geoOrder(nodes, 'Beijing'))).toEqual([['b', 'c'], ['a', 'd']]);
    expect(ids(geoOrder(nodes, 'beijing'))).toEqual([['b', 'c'], ['a', 'd']]);
  });

  it('ranks region paths by shared leading segments', () => {
    const nodes = [
      routeNode('us', 'US/Oregon', 1),
      routeNode('sh', 'CN/Shanghai', 1),
      routeNode('bj', 'CN/Beijing', 1),
      routeNode('bj-hd', 'CN/Beijing/Haidian', 1),
      routeNode('plain', 'Frankfurt', 1),
    ];
    expect(ids(geoOrder(nodes, 'CN/Beijing'))).toEqual([['bj'], ['bj-hd'], ['sh'], ['us', 'plain']]);
    expect(ids(geoOrder(nodes, 'CN/Beijing/Chaoyang'))).toEqual([['bj', 'bj-hd'], ['sh'], ['us', 'plain']]);
  });

  it('matches a plain name against the last segment of a region path, both ways', () => {
    const nodes = [routeNode('bj', 'CN/Beijing', 1), routeNode('sh', 'CN/Shanghai', 1), routeNode('fra', 'Frankfurt', 1)];
    expect(ids(geoOrder(nodes, 'Beijing'))).toEqual([['bj'], ['sh', 'fra']]);
    expect(ids(geoOrder(nodes, 'DE/Frankfurt'))).toEqual([['fra'], ['bj', 'sh']]);
  });

  it('uses a region path rather than coordinates when the client gives a path', () => {
    const nodes = [routeNode('sh', 'CN/Shanghai', 1, { lat: 31.23, lon: 121.47 }), routeNode('fra', 'DE/Frankfurt', 1, { lat: 50.11, lon: 8.68 })];
    expect(ids(geoOrder(nodes, 'CN/Beijing'))).toEqual([['sh'], ['fra']]);
  });

  it('gives one group of every node for no client location or an unparseable one', () => {
    expect(ids(geoOrder(cities, undefined))).toEqual([['frankfurt', 'shanghai', 'tianjin', 'nowhere']]);
    expect(ids(geoOrder(cities, '  '))).toEqual([['frankfurt', 'shanghai', 'tianjin', 'nowhere']]);
    expect(ids(geoOrder(cities, '95,200'))).toEqual([['frankfurt', 'shanghai', 'tianjin', 'nowhere']]);
    expect(geoOrder([], 'Beijing')).toEqual([]);
  });
});

describe('parseClientLocation', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['Beijing', { kind: 'name', name: 'beijing' }],
    ['CN / Beijing/', { kind: 'path', name: 'cn/beijing', segments: ['cn', 'beijing'] }],
    ['39.9,116.4', { kind: 'coordinates', name: '39.9,116.4', lat: 39.9, lon: 116.4 }],
    ['-33.87,+151.21', { kind: 'coordinates', name: '-33.87,+151.21', lat: -33.87, lon: 151.21 }],
  ])('%s', (raw, parsed) => expect(parseClientLocation(raw)).toEqual(parsed));
});

describe('haversineKm', () => {
  it('measures Beijing to Shanghai as about 1070 km', () => {
    const r = Math.PI / 180;
    expect(haversineKm(39.9 * r, 116.4 * r, 31.23 * r, 121.47 * r)).toBeGreaterThan(1050);
    expect(haversineKm(39.9 * r, 116.4 * r, 31.23 * r, 121.47 * r)).toBeLessThan(1090);
  });
});
