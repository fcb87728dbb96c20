import type { DeliveryOptions } from './alert-delivery';

/** Optional override of how alerts are posted (tests shorten the back-off); defaults to real HTTP and timers. */
export const ALERT_DELIVERY = Symbol('ALERT_DELIVERY');
export type AlertDeliveryOverride = Partial<DeliveryOptions>;
