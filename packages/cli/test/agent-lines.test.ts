import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '@boocode/contracts';
import { agentLines } from '../src/commands/serve.js';

const agent = (over: Partial<AgentInfo>): AgentInfo => ({
  name: 'gemini',
  label: 'Gemini CLI',
  kind: 'acp',
  available: true,
  version: '0.9.0',
  install_path: '/usr/local/bin/gemini',
  command: ['/usr/local/bin/gemini', '--acp'],
  custom: false,
  notes: [],
  models: [],
  error: null,
  capabilities: { images: true, resume: true, modes: true, model_list: true, usage: true },
  checked_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the banner of boocode serve', () => {
  it('says which copy of each external agent runs, and why the others cannot', () => {
    expect(agentLines([agent({}), agent({ name: 'codex', available: false, install_path: null, error: 'codex-acp not found in PATH' })])).toEqual([
      '  agents:',
      '    gemini  ready (0.9.0), /usr/local/bin/gemini',
      '    codex   not usable: codex-acp not found in PATH',
    ]);
  });
});
