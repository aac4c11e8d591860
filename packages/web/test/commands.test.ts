import { describe, expect, it } from 'vitest';
import type { Project, Session } from '@boocode/contracts';
import { filterCommands, isTyping, paletteCommands } from '../src/shell/commands';
import { uuid } from './fixtures';

const project = { id: uuid(100), name: 'alpha', path: '/r/alpha', created_at: '2026-01-01T00:00:00Z' } as Project;
const session = (n: number, name: string, status: Session['status'] = 'open'): Session => ({
  id: uuid(n),
  project_id: uuid(100),
  name,
  agent: 'native',
  model: null,
  mode: null,
  status,
  permission_policy: 'ask',
  isolated: true,
  base_branch: null,
  subagent_followup: true,
  attention: null,
  policy_support: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
});

describe('command palette', () => {
  const ran: string[] = [];
  const commands = paletteCommands([session(1, 'Fix login'), session(2, 'Old', 'archived'), session(3, 'Write docs')], [project], {
    openSession: (id) => ran.push(`open ${id}`),
    newSession: (id) => ran.push(`new ${id}`),
    openBoard: () => ran.push('board'),
    toggleSidebar: () => ran.push('sidebar'),
    toggleTheme: () => ran.push('theme'),
  });

  it('offers open sessions, a new session per project and the views', () => {
    expect(commands.map((c) => c.label)).toEqual(['Go to Fix login', 'Go to Write docs', 'New session in alpha', 'Show all sessions', 'Show or hide projects', 'Switch theme']);
    commands[1]!.run();
    commands[2]!.run();
    expect(ran).toEqual([`open ${uuid(3)}`, `new ${uuid(100)}`]);
  });

  it('narrows by every word typed, in any order, including the project', () => {
    expect(filterCommands(commands, 'login fix').map((c) => c.label)).toEqual(['Go to Fix login']);
    expect(filterCommands(commands, 'ALPHA docs').map((c) => c.label)).toEqual(['Go to Write docs']);
    expect(filterCommands(commands, 'nothing like this')).toEqual([]);
    expect(filterCommands(commands, '  ')).toHaveLength(commands.length);
  });

  it('leaves single-key shortcuts to text fields', () => {
    expect(isTyping(null)).toBe(false);
    expect(isTyping({ isContentEditable: false, closest: (sel: string) => (sel.includes('textarea') ? {} : null) } as unknown as EventTarget)).toBe(true);
    expect(isTyping({ isContentEditable: false, closest: () => null } as unknown as EventTarget)).toBe(false);
  });
});
