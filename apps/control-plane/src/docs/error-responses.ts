import { ERRORS, type ErrorCode } from '@cdn/shared';
import { z } from 'zod';
import type { Access, ApiOperation } from './api-operations';

/** The body of every 4xx/5xx answer, with the details some codes add. */
export const errorBodySchema = z
  .looseObject({
    error: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]).describe('a stable code from the error catalogue'),
    message: z.string().describe('what happened and what to do, for a human'),
    fields: z.record(z.string(), z.string()).optional().describe('invalid_node, invalid_request: each bad or missing field and its problem'),
    reasons: z.array(z.string()).optional().describe('not_ready: every reason'),
    allow: z.array(z.string()).optional().describe('method_not_allowed: the methods the path accepts (also in the Allow header)'),
    limit: z.number().optional().describe('payload_too_large: the largest body accepted, in bytes'),
  })
  .meta({ description: 'Every 4xx/5xx answer: a stable `error` code and a human `message`, sometimes with details.' });

/** What every call of an access class may answer besides its own errors (AdminGate, the start-up gate, the unexpected). */
const SHARED_ERRORS: Record<Access, ErrorCode[]> = {
  open: [],
  read: ['unauthorized', 'forbidden', 'not_ready', 'internal_error'],
  write: ['unauthorized', 'forbidden', 'not_ready', 'internal_error'],
  heartbeat: ['unauthorized', 'forbidden', 'not_ready', 'internal_error'],
};

/** What reading a JSON body may answer (readJsonBody, AdminGate's media-type check). */
const BODY_ERRORS: ErrorCode[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type'];

/** Every catalogue code an operation may answer, in catalogue order. */
export function errorCodesOf(operation: ApiOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...operation.errors, ...SHARED_ERRORS[operation.access], ...(operation.body ? BODY_ERRORS : [])]);
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => codes.has(code));
}

/** OpenAPI responses for an operation's errors: one per HTTP status, naming its codes and what each means. */
export function errorResponses(operation: ApiOperation, errorRef: string): Record<string, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(operation)) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  const responses: Record<string, object> = {};
  for (const [status, codes] of byStatus) {
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${ERRORS[code].message}`).join('\n\n'),
      ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: 'Bearer realm="cdn-admin"', schema: { type: 'string' } } } } : {}),
      content: { 'application/json': { schema: { allOf: [{ $ref: errorRef }, { type: 'object', properties: { error: { enum: codes } } }] } } },
    };
  }
  return responses;
}
