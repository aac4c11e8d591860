import type { z } from 'zod';
import type { Logger } from '../logger.js';

/**
 * Keys of config.json that no setting reads. zod objects drop unknown keys silently, so a typo
 * (`native.compatAt`) would look like it took effect: these are found by walking the JSON against
 * the schema's shape, once for the whole file, and reported (the server still starts).
 */

export interface UnknownKey {
  /** Where it is, from the top of config.json (`native.compatAt`, `agents.claude.comand`). */
  path: string;
  /** The full path of the known key it most likely means, or null when none is close. */
  suggestion: string | null;
}

type Schema = z.core.$ZodType;

/** Every key of `value` that `schema` does not know, with the nearest known key when one is close. */
export function unknownKeys(schema: Schema, value: unknown): UnknownKey[] {
  const found: UnknownKey[] = [];
  walk(schema, value, [], found);
  return found;
}

/** The sentence a person reads at start-up. */
export function unknownKeySentence(key: UnknownKey): string {
  const hint = key.suggestion ? ` (did you mean ${key.suggestion}?)` : '';
  return `config.json: ${key.path} is not a setting${hint}; it is ignored`;
}

/** One warning per key in the structured log, for whoever reads the log rather than the banner. */
export function logUnknownKeys(log: Logger, keys: readonly UnknownKey[]): void {
  for (const key of keys) log.warn({ setting: key.path, suggestion: key.suggestion }, unknownKeySentence(key));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(schema: Schema, value: unknown, at: string[], found: UnknownKey[]): void {
  const def = schema._zod.def;
  switch (def.type) {
    // Wrappers: what they accept is their inner schema's shape.
    case 'optional':
    case 'nullable':
    case 'nonoptional':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return walk((def as unknown as { innerType: Schema }).innerType, value, at, found);
    case 'pipe':
      return walk((def as z.core.$ZodPipeDef).in, value, at, found);
    case 'lazy':
      return walk((def as z.core.$ZodLazyDef).getter(), value, at, found);
    case 'array':
      if (Array.isArray(value)) value.forEach((item, i) => walk((def as z.core.$ZodArrayDef).element, item, [...at, String(i)], found));
      return;
    case 'record':
      // The keys are the user's own names (agents, models, variables): only their values are checked.
      if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walk((def as z.core.$ZodRecordDef).valueType, v, [...at, k], found);
      return;
    case 'object': {
      if (!isPlainObject(value)) return;
      const { shape, catchall } = def as z.core.$ZodObjectDef;
      // A catch-all other than `never` (strict) accepts any key on purpose.
      const strips = catchall === undefined || catchall._zod.def.type === 'never';
      const known = Object.keys(shape);
      for (const [k, v] of Object.entries(value)) {
        const field = shape[k];
        if (field) walk(field, v, [...at, k], found);
        else if (strips) {
          const near = nearest(k, known);
          found.push({ path: [...at, k].join('.'), suggestion: near === null ? null : [...at, near].join('.') });
        }
      }
      return;
    }
    default:
      // Scalars, unions and the rest: no keys of their own to check.
      return;
  }
}

/** The known key closest to `key`, if it is close enough to be a typo of it (or differs only in case). */
function nearest(key: string, known: readonly string[]): string | null {
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edits (insert, delete, replace, swap of neighbours) turning `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
