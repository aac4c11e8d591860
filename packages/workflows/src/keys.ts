import { createHash } from 'node:crypto';
import type { WorkflowAgentOptions } from '@boocode/contracts';

/** JSON with object keys sorted, so the same options always hash the same whatever their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The journal key of one `agent()` call: SHA-256 of its prompt, its options and the key of the
 * call started before it (empty for the first). Chaining makes a change anywhere change every key
 * after it, so a stale entry further on can never be mistaken for a hit.
 */
export function stepKey(prompt: string, options: WorkflowAgentOptions, previousKey: string | null): string {
  return createHash('sha256')
    .update(canonicalJson({ prompt, options, previous: previousKey ?? '' }))
    .digest('hex');
}
