import { describe, expect, it } from 'vitest';
import { CdnError } from '@cdn/shared';
import { EMPTY_BODY } from '../http/read-json-body';
import { parseHeartbeat, parseRegistration } from './registration';

function failure(run: () => unknown): CdnError {
  try {
    run();
  } catch (err) {
    return err as CdnError;
  }
  throw new Error('expected a failure');
}

describe('parseRegistration', () => {
  it('accepts the manual example', () => {
    const body = { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, heartbeat_interval: 10 };
    expect(parseRegistration(body)).toEqual(body);
  });

  it('names every bad or missing field in the message and in fields', () => {
    const err = failure(() => parseRegistration({ url: 'http://cdn1.example.com', location: 'Beijing', capacity: 0 }));
    expect(err.status).toBe(400);
    expect(err.toBody()).toEqual({
      error: 'invalid_node',
      message: 'Invalid node registration: id is required; capacity must be a positive number',
      fields: { id: 'is required', capacity: 'must be a positive number' },
    });
  });

  it('rejects an empty body as a whole', () => {
    const err = failure(() => parseRegistration(EMPTY_BODY));
    expect(err.code).toBe('invalid_node');
    expect(err.details).toEqual({ fields: { body: expect.any(String) } });
  });
});

describe('parseHeartbeat', () => {
  it('takes an empty body as a plain heartbeat', () => {
    expect(parseHeartbeat(EMPTY_BODY)).toBeUndefined();
  });

  it('returns the reported load', () => {
    expect(parseHeartbeat({ current_load: 7.5 })).toBe(7.5);
  });

  it.each([[-1], ['5'], [null]])('rejects current_load %j, naming the field', (load) => {
    const err = failure(() => parseHeartbeat({ current_load: load }));
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain('current_load');
    expect(err.details).toEqual({ fields: { current_load: 'must be a non-negative number' } });
  });

  it('rejects a body that is not an object', () => {
    expect(failure(() => parseHeartbeat([1])).code).toBe('invalid_request');
  });
});
