import { Markdown } from '../markdown/Markdown';

/** One child's result as BooCode quoted it to the parent agent. */
export interface QuotedResult {
  id: string;
  label: string;
  agent: string;
  status: string;
  text: string;
}

const BLOCK = /<subagent-result id="([^"]*)" label="(.*?)" agent="([^"]*)" status="([^"]*)">\n([\s\S]*?)\n<\/subagent-result>/g;

/** The results a follow-up note hands the agent (the markup the server writes for it). */
export function quotedResults(content: string): QuotedResult[] {
  return [...content.matchAll(BLOCK)].map(([, id = '', label = '', agent = '', status = '', text = '']) => ({ id, label, agent, status, text }));
}

const FINISHED: Record<string, string> = { completed: 'finished', failed: 'failed', timed_out: 'timed out', cancelled: 'was cancelled' };

/**
 * The turn BooCode starts to hand the agent its background agents' results: a note from BooCode,
 * not words of the user, with each result folded away.
 */
export function SubagentResultsNote({ content }: { content: string }) {
  const results = quotedResults(content);
  return (
    <div className="subagent-note">
      {results.map((r) => (
        <details key={r.id} className="subagent-note__item">
          <summary>
            Background agent <strong>{r.label || 'without a label'}</strong> {FINISHED[r.status] ?? r.status}
            <span className="subagent-note__agent"> · {r.agent}</span>
          </summary>
          <div className="subagent-note__text">
            <Markdown source={r.text} streaming={false} />
          </div>
        </details>
      ))}
      <p className="subagent-note__hint">BooCode handed {results.length === 1 ? 'this result' : 'these results'} to the agent to continue the task.</p>
    </div>
  );
}
