import { describe, expect, it } from 'vitest';
import { parsePin, parseRoute, routeSearch } from '../src/shell/route';

const S = '0b7c1d2e-0000-4000-8000-000000000001';
const C = '0b7c1d2e-0000-4000-8000-000000000002';

describe('route', () => {
  it('round-trips session and chat through the query string', () => {
    const r = { sessionId: S, chatId: C };
    expect(parseRoute(routeSearch(r))).toEqual(r);
    expect(routeSearch({ sessionId: null, chatId: C })).toBe('');
  });
  it('round-trips the board, which a session overrides', () => {
    expect(routeSearch({ sessionId: null, chatId: null, board: true })).toBe('?view=board');
    expect(parseRoute('?view=board')).toEqual({ sessionId: null, chatId: null, board: true });
    expect(parseRoute(`?view=board&session=${S}`)).toEqual({ sessionId: S, chatId: null });
    expect(parseRoute('?view=other')).toEqual({ sessionId: null, chatId: null });
  });
  it('ignores values that are not ids', () => {
    expect(parseRoute('?session=<script>&chat=x')).toEqual({ sessionId: null, chatId: null });
  });
  it('reads #pin=<id>', () => {
    expect(parsePin(`#pin=${S}`)).toBe(S);
    expect(parsePin('#pin=')).toBeNull();
    expect(parsePin('#other')).toBeNull();
  });
});
