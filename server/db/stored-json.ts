import type { z } from 'zod';

/**
 * A JSON column's value, read back through the schema it was validated with
 * when written; absent, unparsable or no longer valid reads as undefined.
 */
export function parseStoredJson<T extends z.ZodType>(schema: T, json: string | null | undefined): z.infer<T> | undefined {
  if (!json) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
