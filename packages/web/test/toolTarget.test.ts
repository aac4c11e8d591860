import { describe, expect, it } from 'vitest';
import { toolTarget } from '../src/chat/toolTarget';

describe('toolTarget', () => {
  it('prefers the path, then the command', () => {
    expect(toolTarget({ path: 'src/a.ts', command: 'ls' })).toBe('src/a.ts');
    expect(toolTarget({ command: ['npm', 'test', '--', 'x'] })).toBe('npm test -- x');
  });
  it('collapses whitespace and cuts long targets', () => {
    expect(toolTarget({ command: 'echo   a\n b' })).toBe('echo a b');
    expect(toolTarget({ pattern: 'x'.repeat(100) }, 10)).toBe('xxxxxxxxx…');
  });
  it('is null when nothing names a target', () => {
    expect(toolTarget({})).toBeNull();
    expect(toolTarget({ path: '', other: 'x' })).toBeNull();
    expect(toolTarget({ command: [1, 2] })).toBeNull();
  });
});
