import type { PermissionPolicy } from '@boocode/contracts';

/**
 * The session's permission policy as an ACP agent's own mode. Agents decide by themselves
 * whether to ask before a tool runs, so the policy holds only if their mode says the same:
 * qwen-code `default|auto-edit|yolo`, claude-agent-acp `default|acceptEdits|bypassPermissions`,
 * gemini-cli `default|autoEdit|yolo`, codex-acp `read-only|auto|full-access`. Mode ids are
 * compared by their letters only, so `auto-edit`, `autoEdit` and `auto_edit` are one.
 */
const POLICY_MODES: Record<PermissionPolicy, readonly string[]> = {
  ask: ['default', 'ask', 'readonly'],
  allow_edits: ['acceptedits', 'autoedit', 'auto'],
  allow_all: ['bypasspermissions', 'yolo', 'fullaccess'],
};

const letters = (id: string): string => id.toLowerCase().replace(/[^a-z]/g, '');

/** The agent's mode that honours `policy`, or null when it offers none. */
export function modeForPolicy(modeIds: readonly string[], policy: PermissionPolicy): string | null {
  for (const wanted of POLICY_MODES[policy]) {
    const hit = modeIds.find((id) => letters(id) === wanted);
    if (hit) return hit;
  }
  return null;
}

const POLICY_WORDS: Record<PermissionPolicy, string> = {
  ask: 'ask before it edits or runs anything',
  allow_edits: 'edit without asking but ask before running commands',
  allow_all: 'act without asking',
};

/** What the user is told when the agent has no mode for the session's policy. */
export function unsupportedPolicyNotice(agent: string, policy: PermissionPolicy, modeIds: readonly string[]): { severity: string; title: string; description: string } {
  return {
    severity: 'warning',
    title: `${agent} cannot follow this session's permission policy`,
    description:
      `The session asks it to ${POLICY_WORDS[policy]}, but it has no mode that does` +
      (modeIds.length ? ` (its modes: ${modeIds.join(', ')})` : '') +
      '. It decides by itself when to ask for permission.',
  };
}
