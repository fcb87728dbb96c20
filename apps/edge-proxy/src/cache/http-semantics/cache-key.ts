/**
 * The primary cache key of a client target (/cdn/<path>?<query>): the path as sent; the query as sent,
 * or with its parameters sorted when `sortQuery` (stable: by name, then original order, so repeated
 * names keep their meaning); an empty "?" is dropped.
 */
export function primaryKey(target: string, options: { sortQuery: boolean }): string {
  const question = target.indexOf('?');
  if (question === -1) return target;
  if (question === target.length - 1) return target.slice(0, question);
  if (!options.sortQuery) return target;
  const query = target.slice(question + 1);
  // One parameter cannot be out of order: no allocation for the common case.
  if (!query.includes('&')) return target;
  const params = query.split('&').filter((param) => param.length > 0);
  if (params.length === 0) return target.slice(0, question);
  params.sort(compareByName);
  return `${target.slice(0, question)}?${params.join('&')}`;
}

function nameOf(param: string): string {
  const equals = param.indexOf('=');
  return equals === -1 ? param : param.slice(0, equals);
}

function compareByName(a: string, b: string): number {
  const nameA = nameOf(a);
  const nameB = nameOf(b);
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}
