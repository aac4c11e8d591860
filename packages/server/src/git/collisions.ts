import type { Collision, CollisionSeverity, LineRange } from '@boocode/contracts';
import { parsePatch } from './patch.js';

/**
 * Collision warnings between sessions of one project: for every file two sessions'
 * pending diffs both touch, overlapping line ranges are `same_line`, ranges at most 5 lines apart are
 * `adjacent_line`, anything else `different_area`. Everything is in the base file's coordinates, so
 * sessions that started from the same commit compare exactly. Pure functions: the server computes them
 * from the pending changes in the database so every worker reaches the same answer.
 *
 * Adding, deleting, renaming or changing a binary file touches the whole file: it clashes with any
 * other change to it, so it is reported as `same_line` (a hunk-only reading would call it
 * `different_area`, though these are the changes most certain to clash).
 */

export const ADJACENT_LINE_THRESHOLD = 5;

export interface FileTouch {
  /** Path in the base commit (the old path of a rename; the new path of an added file). */
  path: string;
  /** Sorted, merged, inclusive base-file line ranges. */
  ranges: LineRange[];
  whole_file: boolean;
}

export interface SessionTouches {
  session_id: string;
  touches: readonly FileTouch[];
}

/** Sorts and merges overlapping or touching ranges. */
export function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: LineRange[] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Per-file touched ranges of a unified diff (what the database keeps beside each pending change). */
export function touchesFromPatch(patch: string): FileTouch[] {
  return parsePatch(patch).map((f) => {
    const ranges = mergeRanges(f.hunks.flatMap((h) => h.touched));
    const whole =
      f.binary || f.status === 'added' || f.status === 'deleted' || (f.status === 'renamed' && ranges.length === 0);
    return { path: f.old_path ?? f.path, ranges, whole_file: whole };
  });
}

function rangeSeverity(a: LineRange, b: LineRange): CollisionSeverity {
  if (a[0] <= b[1] && b[0] <= a[1]) return 'same_line';
  const gap = a[0] > b[1] ? a[0] - b[1] : b[0] - a[1];
  return gap <= ADJACENT_LINE_THRESHOLD ? 'adjacent_line' : 'different_area';
}

const RANK: Record<CollisionSeverity, number> = { different_area: 0, adjacent_line: 1, same_line: 2 };

/** The worst severity between two sessions' touches of one file. */
export function touchSeverity(a: FileTouch, b: FileTouch): CollisionSeverity {
  if (a.whole_file || b.whole_file) return 'same_line';
  let worst: CollisionSeverity = 'different_area';
  for (const ra of a.ranges) {
    for (const rb of b.ranges) {
      const s = rangeSeverity(ra, rb);
      if (RANK[s] > RANK[worst]) worst = s;
      if (worst === 'same_line') return worst;
    }
  }
  return worst;
}

/**
 * Every pair of sessions touching the same file, once per pair (`session_id` < `other_session_id`),
 * ordered by file then sessions.
 */
export function findCollisions(sessions: readonly SessionTouches[]): Collision[] {
  const byFile = new Map<string, { session_id: string; touch: FileTouch }[]>();
  for (const s of sessions) {
    for (const t of s.touches) {
      let list = byFile.get(t.path);
      if (!list) byFile.set(t.path, (list = []));
      list.push({ session_id: s.session_id, touch: t });
    }
  }
  const out: Collision[] = [];
  for (const [file, list] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ordered = [...list].sort((a, b) => (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0));
    for (let i = 0; i < ordered.length; i++) {
      for (let j = i + 1; j < ordered.length; j++) {
        const a = ordered[i]!;
        const b = ordered[j]!;
        if (a.session_id === b.session_id) continue;
        out.push({
          file,
          severity: touchSeverity(a.touch, b.touch),
          session_id: a.session_id,
          other_session_id: b.session_id,
          ranges: a.touch.ranges,
          other_ranges: b.touch.ranges,
        });
      }
    }
  }
  return out;
}

/** The collisions involving one session, seen from it (`session_id` is that session): its warnings. */
export function collisionsForSession(collisions: readonly Collision[], sessionId: string): Collision[] {
  return collisions.flatMap((c) => {
    if (c.session_id === sessionId) return [c];
    if (c.other_session_id === sessionId) {
      return [{ ...c, session_id: sessionId, other_session_id: c.session_id, ranges: c.other_ranges, other_ranges: c.ranges }];
    }
    return [];
  });
}
