import { describe, expect, it } from 'vitest';
import { startFailureHint } from '../../src/external/start-hints.js';

describe('startFailureHint', () => {
  it('names the fix for the start failures seen with real agents', () => {
    expect(startFailureHint('the agent process exited (code 1): --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons')).toContain('IS_SANDBOX');
    expect(startFailureHint('the agent process exited (code 1): claude-agent-acp requires Node.js version >= 22')).toContain('Node 22');
    expect(startFailureHint('the agent process exited (code 1): bwrap: No permissions to creating new namespace')).toContain('bubblewrap');
    expect(startFailureHint('spawn claude-agent-acp ENOENT')).toContain('not found');
  });

  it('gives none for a failure it does not know', () => {
    expect(startFailureHint('the agent did not answer within 60000 ms')).toBeNull();
    expect(startFailureHint('model not found: fake/x')).toBeNull();
  });
});
