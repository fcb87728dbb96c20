import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of what a client may send (`io: "input"`): a field that is normalised or defaulted is shown as it
 * is written, not as it is stored. Checks JSON Schema cannot say (refinements, such as "not `..`") are left out; the
 * descriptions say them in words.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  // zod leaves out the examples of a schema with transforms in input mode (they might be outputs); ours are inputs.
  const examples = z.globalRegistry.get(schema)?.examples;
  return examples === undefined ? rest : { ...rest, examples };
}
