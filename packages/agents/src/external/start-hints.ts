/**
 * What to do about an agent that could not start, recognized from what it printed. Each entry is
 * a failure seen with a real agent; the hint is one sentence for the user setting it up.
 */
const HINTS: { when: RegExp; hint: string }[] = [
  {
    when: /root\/sudo privileges|IS_SANDBOX/i,
    hint: 'claude-agent-acp refuses to run as root: add "IS_SANDBOX": "1" to its env in config.json (agents.<name>.env), or run BooCode as another user.',
  },
  {
    when: /requires Node(\.js)?( version)? (>=|≥|v)?\s*2[2-9]|Unsupported Node(\.js)? version|SyntaxError: Invalid regular expression flags/i,
    hint: 'This agent needs a newer Node.js (claude-agent-acp needs Node 22 or later): put one first on the PATH it is started with.',
  },
  {
    when: /bwrap|bubblewrap/i,
    hint: 'The agent runs its commands in bubblewrap, which this system does not allow (user namespaces off, or a nested sandbox): allow unprivileged user namespaces, or keep the agent out of sandbox.agents.',
  },
  {
    when: /spawn \S+ ENOENT/,
    hint: 'The agent\'s command was not found: install it, or set its full path as "command" in config.json.',
  },
];

/** A hint for the start failure `message`, or null when it is not a known one. */
export function startFailureHint(message: string): string | null {
  return HINTS.find((h) => h.when.test(message))?.hint ?? null;
}
