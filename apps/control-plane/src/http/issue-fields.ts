import type { z } from 'zod';

/**
 * Names each bad field of a request body once, as the admin API's `fields` detail shows it:
 * `urls`, `prefixes[1]`, `body` for the body as a whole, and each unknown key by its own name.
 * The first problem of a field wins, so the answer says what to fix first.
 */
export function issueFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].map(String).join('.')] ??= issue.message;
      continue;
    }
    fields[fieldName(issue.path)] ??= issue.message;
  }
  return fields;
}

/** `["prefixes", 1]` → `prefixes[1]`; the empty path is the body itself. */
function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}
