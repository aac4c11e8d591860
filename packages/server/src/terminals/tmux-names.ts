/**
 * tmux session names of BooCode terminals: `boocode-<session id>-<terminal id>`. The name alone tells which
 * BooCode session a terminal belongs to, so a restarted server finds its terminals by listing tmux.
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const NAME = new RegExp(`^boocode-(${UUID})-(${UUID})$`);

export const tmuxSessionName = (sessionId: string, terminalId: string) => `boocode-${sessionId}-${terminalId}`;

export function parseTmuxSessionName(name: string): { sessionId: string; terminalId: string } | null {
  const m = NAME.exec(name);
  return m ? { sessionId: m[1]!, terminalId: m[2]! } : null;
}
