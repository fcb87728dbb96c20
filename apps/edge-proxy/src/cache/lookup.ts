import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Exchange } from '../proxy/exchange';
import type { RoutingState } from '../routing/routing-state';
import type { RequestPolicy } from './http-semantics';

/** What one cacheable request is looking for. */
export interface Lookup {
  req: IncomingMessage;
  res: ServerResponse;
  exchange: Exchange;
  state: RoutingState;
  policy: RequestPolicy;
  primary: string;
  key: string;
  /** Already a follower that was let go: go to the node alone, never wait on a fill again. */
  alone: boolean;
}
