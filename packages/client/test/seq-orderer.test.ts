import { describe, expect, it } from 'vitest';
import { SeqOrderer } from '@boocode/client';

const f = (seq: number) => ({ seq, id: `f${seq}` });
const seqs = (xs: { seq: number }[]) => xs.map((x) => x.seq);

describe('SeqOrderer', () => {
  it('takes the first frame as the base when nothing was applied yet', () => {
    const o = new SeqOrderer<{ seq: number }>();
    expect(seqs(o.push(f(41)))).toEqual([41]);
    expect(seqs(o.push(f(42)))).toEqual([42]);
    expect(o.lastSeq).toBe(42);
  });

  it('holds frames after a gap and releases them in order once it is filled', () => {
    const o = new SeqOrderer(10);
    expect(o.push(f(13))).toEqual([]);
    expect(o.push(f(12))).toEqual([]);
    expect(o.heldCount).toBe(2);
    expect(seqs(o.push(f(11)))).toEqual([11, 12, 13]);
    expect(o.heldCount).toBe(0);
    expect(o.lastSeq).toBe(13);
  });

  it('drops duplicates from a replay, applied or held', () => {
    const o = new SeqOrderer(5);
    expect(o.push(f(5))).toEqual([]);
    expect(o.push(f(3))).toEqual([]);
    o.push(f(8));
    expect(o.push(f(8))).toEqual([]);
    expect(o.heldCount).toBe(1);
  });

  it('resetTo continues after a snapshot and keeps only later held frames', () => {
    const o = new SeqOrderer(1);
    o.push(f(4));
    o.push(f(9));
    o.push(f(11));
    expect(seqs(o.resetTo(8))).toEqual([9]);
    expect(o.lastSeq).toBe(9);
    expect(o.heldCount).toBe(1);
    expect(seqs(o.push(f(10)))).toEqual([10, 11]);
  });

  it('clearHeld gives up on a gap without moving lastSeq', () => {
    const o = new SeqOrderer(1);
    o.push(f(3));
    o.clearHeld();
    expect(o.heldCount).toBe(0);
    expect(o.lastSeq).toBe(1);
    expect(seqs(o.push(f(2)))).toEqual([2]);
  });
});
