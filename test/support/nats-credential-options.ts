import type { NatsCredentialOptions } from '../../libs/shared/src/nats/nats-credentials';

/** No NATS credential option given: tests spread it and set the ones they test. */
export const NO_NATS_CREDENTIALS: NatsCredentialOptions = {
  natsCreds: undefined,
  natsUser: undefined,
  natsPassword: undefined,
  natsPasswordFile: undefined,
  natsToken: undefined,
  natsTokenFile: undefined,
  natsTlsCa: undefined,
  natsTlsCert: undefined,
  natsTlsKey: undefined,
};
