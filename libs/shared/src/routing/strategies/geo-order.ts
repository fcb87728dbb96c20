import type { RouteNode } from '../routing-table';
import { type ClientLocation, parseClientLocation, regionSegments } from './client-location';

/**
 * Nodes whose distances to the client differ by less than this are one group: nodes in one metro area
 * share its clients by capacity instead of the one a few kilometres nearer taking them all.
 */
export const SAME_PLACE_KM = 50;

const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

/** What nearness needs of a node, computed once per table. */
export interface NodePlace {
  readonly node: RouteNode;
  /** The location lowercased, and its last region segment ("cn/beijing" → "beijing"). */
  readonly name: string;
  readonly leaf: string;
  readonly segments: readonly string[];
  /** Radians; NaN when the node registered no coordinates. */
  readonly lat: number;
  readonly lon: number;
}

export function nodePlace(node: RouteNode): NodePlace {
  const segments = regionSegments(node.location);
  const hasCoordinates = node.lat !== undefined && node.lon !== undefined;
  return {
    node,
    name: segments.join('/'),
    leaf: segments[segments.length - 1] ?? '',
    segments,
    lat: hasCoordinates ? node.lat! * RADIANS : Number.NaN,
    lon: hasCoordinates ? node.lon! * RADIANS : Number.NaN,
  };
}

/** Great-circle distance in km between two points given in radians. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const sinLat = Math.sin((lat2 - lat1) / 2);
  const sinLon = Math.sin((lon2 - lon1) / 2);
  const a = sinLat * sinLat + Math.cos(lat1) * Math.cos(lat2) * sinLon * sinLon;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Nearness classes, nearest first; within a class a smaller `rank` is nearer. */
const enum Near {
  SameName = 0,
  SharedRegion = 1,
  Distance = 2,
  Unknown = 3,
}

interface Ranked {
  readonly place: NodePlace;
  readonly near: Near;
  readonly rank: number;
  readonly order: number;
}

function rank(place: NodePlace, client: ClientLocation, order: number): Ranked {
  if (client.kind === 'none') return { place, near: Near.Unknown, rank: 0, order };
  if (sameName(client, place)) return { place, near: Near.SameName, rank: 0, order };
  if (client.kind === 'path' && place.segments.length > 1) {
    const shared = sharedLeading(client.segments, place.segments);
    if (shared > 0) return { place, near: Near.SharedRegion, rank: -shared, order };
  }
  if (client.kind === 'coordinates' && !Number.isNaN(place.lat)) {
    const km = haversineKm(client.lat * RADIANS, client.lon * RADIANS, place.lat, place.lon);
    return { place, near: Near.Distance, rank: km, order };
  }
  return { place, near: Near.Unknown, rank: 0, order };
}

/** The same location; a plain name also matches the last segment of a path, both ways ("Beijing" ~ "CN/Beijing"). */
function sameName(client: Exclude<ClientLocation, { kind: 'none' }>, place: NodePlace): boolean {
  if (client.name === place.name) return true;
  if (client.kind === 'name') return place.leaf === client.name;
  if (client.kind === 'path') return place.segments.length === 1 && place.name === client.segments[client.segments.length - 1];
  return false;
}

function sharedLeading(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared;
}

function sameGroup(first: Ranked, next: Ranked): boolean {
  if (first.near !== next.near) return false;
  return first.near === Near.Distance ? next.rank - first.rank < SAME_PLACE_KM : first.rank === next.rank;
}

/** Groups of equally-near places, nearest group first; table order within a group. */
export function rankPlaces(places: readonly NodePlace[], client: ClientLocation): NodePlace[][] {
  const ranked = places.map((place, order) => rank(place, client, order));
  ranked.sort((a, b) => a.near - b.near || a.rank - b.rank || a.order - b.order);
  const groups: Ranked[][] = [];
  for (const entry of ranked) {
    const current = groups[groups.length - 1];
    if (current !== undefined && sameGroup(current[0], entry)) current.push(entry);
    else groups.push([entry]);
  }
  return groups.map((group) => group.sort((a, b) => a.order - b.order).map((entry) => entry.place));
}

/**
 * Nodes ordered nearest-first for a client location (exported for tests and for the edge's logs).
 * Nearness: the same location name; else, for a region path, more shared leading segments;
 * else, for "lat,lon", great-circle distance (within SAME_PLACE_KM counts as equal); nodes with
 * no comparable position come last, as one group.
 */
export function geoOrder(nodes: readonly RouteNode[], clientLocation: string | undefined): RouteNode[][] {
  return rankPlaces(nodes.map(nodePlace), parseClientLocation(clientLocation)).map((group) => group.map((place) => place.node));
}
