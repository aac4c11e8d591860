import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HelloFrame, SessionFrame, SessionFramePayload, UserFrame, UserFramePayload } from '@boocode/contracts';

/**
 * Frames are append-only: clients in the field validate what they receive, so a frame type or a
 * field that disappears (or stops being sent every time) breaks them. The committed snapshot lists
 * every type and field; a removal fails here, an addition rewrites the snapshot to commit.
 */
const SNAPSHOT = fileURLToPath(new URL('./frames-snapshot.json', import.meta.url));

/** Field names, an optional one (the frame may omit it) marked with `?`. */
type Fields = string[];
interface StreamShape {
  envelope: Fields;
  types: Record<string, Fields>;
}
interface FramesShape {
  hello: Fields;
  session: StreamShape;
  user: StreamShape;
}

const fieldsOf = (obj: z.ZodObject): Fields =>
  Object.entries(obj.shape)
    .map(([name, schema]) => (schema.safeParse(undefined).success ? `${name}?` : name))
    .sort();

const typesOf = (union: typeof SessionFramePayload | typeof UserFramePayload): Record<string, Fields> =>
  Object.fromEntries(union.options.map((o) => [o.shape.type.value, fieldsOf(o)] as const).sort(([a], [b]) => a.localeCompare(b)));

function describeFrames(): FramesShape {
  return {
    hello: fieldsOf(HelloFrame),
    session: { envelope: fieldsOf(SessionFrame.def.left), types: typesOf(SessionFramePayload) },
    user: { envelope: fieldsOf(UserFrame.def.left), types: typesOf(UserFramePayload) },
  };
}

/** What `now` lost of `before`: a type, a field, or a field that became optional. */
function removals(before: FramesShape, now: FramesShape): string[] {
  const lost: string[] = [];
  const compare = (where: string, was: Fields, is: Fields) => {
    for (const f of was) {
      const name = f.replace(/\?$/, '');
      if (is.includes(f)) continue;
      if (is.includes(`${name}?`)) lost.push(`${where}.${name} became optional`);
      else if (!is.includes(name)) lost.push(`${where}.${name} was removed`);
    }
  };
  compare('hello', before.hello, now.hello);
  for (const stream of ['session', 'user'] as const) {
    compare(`${stream} envelope`, before[stream].envelope, now[stream].envelope);
    for (const [type, fields] of Object.entries(before[stream].types)) {
      const is = now[stream].types[type];
      if (!is) lost.push(`${stream} frame '${type}' was removed`);
      else compare(`${stream} frame '${type}'`, fields, is);
    }
  }
  return lost;
}

describe('frames are append-only', () => {
  it('keeps every frame type and field of the committed snapshot', () => {
    const before = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as FramesShape;
    const now = describeFrames();
    const lost = removals(before, now);
    if (lost.length) {
      throw new Error(
        `frames are append-only: clients already validate these, so add a new type or an optional field instead.\n  ${lost.join('\n  ')}`,
      );
    }
    const text = JSON.stringify(now, null, 2) + '\n';
    // Additions only: record them, so the next removal of one of them is caught too.
    if (readFileSync(SNAPSHOT, 'utf8') !== text) writeFileSync(SNAPSHOT, text);
  });

  it('reports a removed type, a removed field and a field made optional', () => {
    const now = describeFrames();
    const { message_delta: _gone, ...types } = now.session.types;
    const changed: FramesShape = {
      ...now,
      hello: now.hello.filter((f) => f !== 'protocol'),
      session: { ...now.session, types },
      user: { ...now.user, types: { ...now.user.types, project_removed: ['project_id?', 'type'] } },
    };
    expect(removals(now, changed)).toEqual([
      'hello.protocol was removed',
      "session frame 'message_delta' was removed",
      "user frame 'project_removed'.project_id became optional",
    ]);
    expect(removals(now, now)).toEqual([]);
    expect(removals(changed, now)).toEqual([]);
  });
});
