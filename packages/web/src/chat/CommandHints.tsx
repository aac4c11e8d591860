import type { AgentCommand } from '@boocode/contracts';

/**
 * The agent's slash commands matching what is typed ("/re" lists /review, /refactor...);
 * picking one fills it in. Shown only while the input starts with "/".
 */
export function CommandHints({ text, commands, onPick }: { text: string; commands: AgentCommand[]; onPick: (name: string) => void }) {
  const m = /^\/(\S*)$/.exec(text);
  if (!m || commands.length === 0) return null;
  const typed = m[1]!.toLowerCase();
  const matches = commands.filter((c) => c.name.toLowerCase().startsWith(typed)).slice(0, 8);
  if (matches.length === 0) return null;
  return (
    <ul className="command-hints" aria-label="Agent commands">
      {matches.map((c) => (
        <li key={c.name}>
          <button type="button" className="command-hints__item" onClick={() => onPick(c.name)}>
            <code>/{c.name}</code>
            <span>{c.description}</span>
            {c.input_hint ? <span className="command-hints__hint">{c.input_hint}</span> : null}
          </button>
        </li>
      ))}
    </ul>
  );
}
