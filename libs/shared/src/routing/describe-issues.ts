import type { z } from 'zod';

/** One line naming what is wrong with a message that failed its schema, for the WARNING that drops it. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || 'message'}: ${i.message}`).join('; ');
}
