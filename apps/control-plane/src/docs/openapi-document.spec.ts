import { Validator } from '@seriousme/openapi-schema-validator';
import { ERRORS, nodeRegistrationSchema, type ErrorCode } from '@cdn/shared';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parsePurgeRequest, parseWarmRequest, purgeRequestSchema, warmRequestSchema } from '../cache/cache-request';
import { nodeStateChangeSchema, parseDrainRequest } from '../nodes/drain-request';
import { heartbeatSchema, parseHeartbeat, parseRegistration } from '../nodes/registration';
import { jsonSchemaOf, type JsonSchema } from './json-schema';
import { buildOpenApiDocument } from './openapi-document';

const document = buildOpenApiDocument();

/** Each body the document names, with the zod schema and the parser the controller validates it with. */
const VALIDATORS: Record<string, { schema: z.ZodType; parse: (body: unknown) => unknown }> = {
  NodeRegistration: { schema: nodeRegistrationSchema, parse: parseRegistration },
  Heartbeat: { schema: heartbeatSchema, parse: parseHeartbeat },
  NodeStateChange: { schema: nodeStateChangeSchema, parse: parseDrainRequest },
  CachePurge: { schema: purgeRequestSchema, parse: parsePurgeRequest },
  CacheWarm: { schema: warmRequestSchema, parse: parseWarmRequest },
};

const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation as any })));
const bodyNames = [...new Set(operations.flatMap(({ operation }) => (operation.requestBody ? [operation.requestBody.content['application/json'].schema.$ref.split('/').pop() as string] : [])))];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const target = ref.slice('"$ref":"#/'.length, -1).split('/').reduce<any>((node, key) => node?.[key], document);
      expect(target, ref).toBeTypeOf('object');
    }
  });

  it('gives every operation a unique id, a summary, a success answer and its security', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, operation } of operations) {
      expect(operation.summary, `${method} ${path}`).toBeTruthy();
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${method} ${path}`).toBe(true);
      expect(operation.security, `${method} ${path}`).toBeInstanceOf(Array);
    }
  });

  it('lists each error code under the HTTP status of the error catalogue', () => {
    for (const { path, method, operation } of operations) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (Number(status) < 400) continue;
        const codes: ErrorCode[] = response.content['application/json'].schema.allOf[1].properties.error.enum;
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const code of codes) expect(ERRORS[code].status, `${method} ${path}: ${code}`).toBe(Number(status));
        for (const code of codes) expect(response.description).toContain(`\`${code}\``);
      }
    }
  });

  it('documents the token errors on every admin call and on none of the open ones', () => {
    for (const { path, method, operation } of operations) {
      const open = operation.security.length === 0;
      expect(Object.keys(operation.responses).includes('401'), `${method} ${path}`).toBe(!open);
    }
    expect(document.paths['/heartbeat/{id}'].post.security).toContainEqual({ nodeToken: [] });
    expect(document.paths['/nodes'].get.security).toContainEqual({ viewerToken: [] });
    expect(document.paths['/register_node'].post.security).not.toContainEqual({ viewerToken: [] });
  });
});

describe('request bodies', () => {
  it('are exactly the bodies whose validators are known here', () => {
    expect(bodyNames.sort()).toEqual(Object.keys(VALIDATORS).sort());
  });

  it.each(Object.keys(VALIDATORS))('%s: the document shows the JSON Schema of the zod schema that validates it', (name) => {
    expect(document.components.schemas[name]).toEqual(jsonSchemaOf(VALIDATORS[name].schema));
    expect(document.components.schemas[name].description).toBeTruthy();
  });

  it.each(Object.keys(VALIDATORS))("%s: every example passes the controller's validation", (name) => {
    const examples = document.components.schemas[name].examples as unknown[];
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(() => VALIDATORS[name].parse(example), JSON.stringify(example)).not.toThrow();
    const operation = operations.find(({ operation }) => operation.requestBody?.content['application/json'].schema.$ref === `#/components/schemas/${name}`)!.operation;
    expect(Object.values<any>(operation.requestBody.content['application/json'].examples).map((e) => e.value)).toEqual(examples);
  });

  it.each(Object.keys(VALIDATORS))('%s: a body that breaks the documented schema is refused by the validator', (name) => {
    const schema = document.components.schemas[name] as JsonSchema & { required?: string[]; additionalProperties?: boolean };
    const example = (schema.examples as Record<string, unknown>[])[0];
    const broken: unknown[] = [[example]];
    for (const field of schema.required ?? []) broken.push(Object.fromEntries(Object.entries(example).filter(([key]) => key !== field)));
    if (schema.additionalProperties === false) broken.push({ ...example, not_a_field: 1 });
    for (const [field, property] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (property.type === 'number' || property.type === 'integer') broken.push({ ...example, [field]: 'text' });
      if (property.type === 'string' || property.type === 'array') broken.push({ ...example, [field]: 42 });
    }
    for (const body of broken) expect(() => VALIDATORS[name].parse(body), JSON.stringify(body)).toThrow();
  });
});
