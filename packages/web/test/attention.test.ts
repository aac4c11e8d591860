import { describe, expect, it } from 'vitest';
import type { Session, SessionAttention } from '@boocode/contracts';
import { faviconFor, needingAttention, newAttention, titleFor, worthNotifying } from '../src/attention/attention';
import { uuid } from './fixtures';

const session = (n: number, attention: SessionAttention | null, status: Session['status'] = 'open'): Session => ({
  id: uuid(n),
  project_id: uuid(100),
  name: `s${n}`,
  agent: 'native',
  model: null,
  mode: null,
  status,
  permission_policy: 'ask',
  isolated: true,
  base_branch: null,
  subagent_followup: true,
  attention,
  policy_support: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

describe('attention', () => {
  it('counts open sessions that want their user, in the title and the favicon', () => {
    const list = [session(1, 'permission'), session(2, null), session(3, 'failed'), session(4, 'finished', 'archived')];
    expect(needingAttention(list).map((s) => s.name)).toEqual(['s1', 's3']);
    expect(titleFor(2)).toBe('(2) BooCode');
    expect(titleFor(0)).toBe('BooCode');
    expect(faviconFor(1)).not.toBe(faviconFor(0));
    expect(decodeURIComponent(faviconFor(1))).toContain('#e5484d');
    expect(decodeURIComponent(faviconFor(0))).not.toContain('#e5484d');
  });

  it('reports only changes to something new, and nothing on the first view (a reload)', () => {
    const now = [session(1, 'permission'), session(2, 'finished'), session(3, null)];
    expect(newAttention(null, now)).toEqual([]);
    const before = new Map<string, SessionAttention | null>([
      [uuid(1), 'permission'],
      [uuid(2), null],
      [uuid(3), 'failed'],
    ]);
    expect(newAttention(before, now).map((e) => [e.session.name, e.attention])).toEqual([['s2', 'finished']]);
  });

  it('interrupts for a permission unless that session is on screen, and for an ended turn only while hidden', () => {
    const ask = { session: session(1, 'permission'), attention: 'permission' as const };
    const done = { session: session(1, 'finished'), attention: 'finished' as const };
    expect(worthNotifying(ask, { hidden: false, currentSessionId: uuid(2) })).toBe(true);
    expect(worthNotifying(ask, { hidden: false, currentSessionId: uuid(1) })).toBe(false);
    expect(worthNotifying(ask, { hidden: true, currentSessionId: uuid(1) })).toBe(true);
    expect(worthNotifying(done, { hidden: false, currentSessionId: uuid(2) })).toBe(false);
    expect(worthNotifying(done, { hidden: true, currentSessionId: uuid(1) })).toBe(true);
  });
});
