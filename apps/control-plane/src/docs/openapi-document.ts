import { VERSION } from '@cdn/shared';
import { API_OPERATIONS, type Access, type ApiOperation } from './api-operations';
import { errorBodySchema, errorResponses } from './error-responses';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

/** An OpenAPI 3.1 document as plain JSON. */
export type OpenApiDocument = { openapi: '3.1.0'; paths: Record<string, Record<string, OpenApiOperation>>; components: { schemas: Record<string, JsonSchema> } & Record<string, unknown> } & Record<string, unknown>;
type OpenApiOperation = Record<string, unknown> & { requestBody?: { content: Record<string, { schema: { $ref: string } }> } };

const ERROR_REF = '#/components/schemas/Error';

/** `{}` lets a call through without a token: without any token option the admin API is open, as in the original manual. */
const SECURITY: Record<Access, Record<string, string[]>[]> = {
  open: [],
  read: [{}, { adminToken: [] }, { viewerToken: [] }],
  write: [{}, { adminToken: [] }],
  heartbeat: [{}, { adminToken: [] }, { nodeToken: [] }],
};

const DESCRIPTION = `The control plane's admin API: nodes, health, the cache and the edges. It is the same on the split control plane and on the all-in-one server (there, on --admin-port when one is given).

**Tokens.** Without any token option the API is open, as in the original manual. With --admin-token (or --admin-token-file), every call but /healthz, /readyz, /metrics and this documentation needs \`Authorization: Bearer <token>\`: an admin token for anything, a viewer token (--viewer-token) for GET and HEAD, a node's own token (from its registration) for that node's heartbeats only. A missing or unknown token gets 401, one that may not do this 403.

**Errors.** Every 4xx/5xx answer is JSON \`{"error": "<stable code>", "message": "..."}\` (see the Error schema). A known path asked with another method gets 405 \`method_not_allowed\` with \`Allow\`; an unknown path 404 \`not_found\`. A request from a browser origin the API does not trust (see --admin-cors-origin) gets 403 \`forbidden\`; this matters for "Try it out" of changes from this page.

**Bodies** are JSON, sent with \`Content-Type: application/json\` (415 otherwise), at most 64 KiB (1 MiB for cache purge and warm).

**The edges** serve clients and are not part of this API: \`GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS /cdn/{path}\` (the node's answer with \`X-Cache\` and \`X-CDN-Node\`; 503 \`no_active_node\` or \`not_ready\`, 502 \`upstream_unreachable\`, 504 \`upstream_timeout\` or \`not_cached\`, 400 \`invalid_path\`, 414 \`uri_too_long\`), and \`/healthz\`, \`/readyz\` and \`/metrics\` of their own (with an edge's --admin-port, \`/metrics\` moves to that listener).`;

/** The OpenAPI 3.1 document of the admin API, built from API_OPERATIONS and the zod schemas that validate each body. */
export function buildOpenApiDocument(): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { Error: jsonSchemaOf(errorBodySchema) };
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of API_OPERATIONS) {
    if (operation.body) schemas[operation.body.name] = jsonSchemaOf(operation.body.schema);
    (paths[operation.path] ??= {})[operation.method] = toOpenApiOperation(operation, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'CDN management system: admin API', version: VERSION, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'the control plane that serves this document' }],
    tags: [
      { name: 'nodes', description: 'Registration, heartbeats, health and drain (/register_node, /heartbeat and GET /nodes are the original manual\'s)' },
      { name: 'cache', description: 'The cache switch, purges and warms, and their receipts' },
      { name: 'cluster', description: 'Edges and control-plane replicas' },
      { name: 'stats', description: 'Traffic statistics reported by the edges' },
      { name: 'probes', description: 'Liveness, readiness and metrics: open, for schedulers and scrapers' },
      { name: 'dashboard', description: 'The operators\' live page (open) and its event stream (a read token)' },
      { name: 'docs', description: 'This documentation: open, the same for every installation' },
    ],
    security: SECURITY.write,
    paths,
    components: {
      schemas,
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'An admin token (--admin-token, --admin-token-file): may do anything.' },
        viewerToken: { type: 'http', scheme: 'bearer', description: 'A viewer token (--viewer-token, --viewer-token-file): may read (GET, HEAD).' },
        nodeToken: { type: 'http', scheme: 'bearer', description: "A node's own token, given once by POST /register_node or POST /nodes/{id}/token: may only send that node's heartbeats." },
      },
    },
  };
}

function toOpenApiOperation(operation: ApiOperation, schemas: Record<string, JsonSchema>): OpenApiOperation {
  const { answer } = operation;
  const answerContent = answer.schema ? { 'application/json': { schema: jsonSchemaOf(answer.schema) } } : answer.mediaType ? { [answer.mediaType]: {} } : undefined;
  return {
    operationId: operationId(operation),
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    security: SECURITY[operation.access],
    ...(operation.params
      ? { parameters: Object.entries(operation.params).map(([name, param]) => ({ name, in: 'path', required: true, description: param.description, schema: jsonSchemaOf(param.schema) })) }
      : {}),
    ...(operation.body ? { requestBody: requestBody(operation.body.name, operation.body.required, schemas) } : {}),
    responses: {
      [String(answer.status)]: { description: answer.description, ...(answerContent ? { content: answerContent } : {}) },
      ...errorResponses(operation, ERROR_REF),
    },
  };
}

/** The body by reference, with the schema's own examples shown as named examples. */
function requestBody(name: string, required: boolean, schemas: Record<string, JsonSchema>) {
  const examples = (schemas[name].examples as unknown[] | undefined) ?? [];
  return {
    required,
    content: {
      'application/json': {
        schema: { $ref: `#/components/schemas/${name}` },
        ...(examples.length > 0 ? { examples: Object.fromEntries(examples.map((value, i) => [`example${i + 1}`, { value }])) } : {}),
      },
    },
  };
}

/** `post /nodes/{id}/token` → `postNodesIdToken`. */
function operationId({ method, path }: ApiOperation): string {
  const words = path.split(/[/_{}-]+/).filter(Boolean);
  return method + words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
}
