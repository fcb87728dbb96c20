export { LB_STRATEGIES } from './types';
export type { Balancer, BalancerOptions, LbStrategy, LoadOf, PickRequest } from './types';
export { createBalancer } from './create-balancer';
export { geoOrder, SAME_PLACE_KM } from './geo-order';
