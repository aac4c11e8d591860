import { PROMPT_SEGMENT_ORDER, type PromptSegments, type Usage } from '@boocode/contracts';
import { formatTokens } from './latency';

const LABEL: Record<keyof PromptSegments, string> = {
  system: 'system prompt',
  tools: 'tool schemas',
  history: 'earlier turns',
  input: 'this turn’s message',
  tool_results: 'this turn’s tool calls and results',
};

/**
 * A prompt's segments in the order they were sent, as wide as their token counts, with the part the
 * provider reported cached shaded solid and the rest striped. The provider reports cached tokens as a
 * count, and prefix caches cover the front of the prompt, so the solid part runs from the left.
 */
export function SegmentBar({ segments, usage, legend = false }: { segments: PromptSegments; usage: Usage; legend?: boolean }) {
  const total = PROMPT_SEGMENT_ORDER.reduce((sum, k) => sum + segments[k], 0);
  if (total <= 0) return null;
  const cachedPct = usage.input_total > 0 ? Math.min(100, (usage.cache_read / usage.input_total) * 100) : 0;
  const parts = PROMPT_SEGMENT_ORDER.filter((k) => segments[k] > 0);
  const describe = parts.map((k) => `${LABEL[k]} ${formatTokens(segments[k])}`).join(', ');
  return (
    <div className="cache-bar">
      <div className="cache-bar__track" role="img" aria-label={`Prompt: ${describe}; ${Math.round(cachedPct)}% cached`}>
        {parts.map((k) => (
          <span key={k} className={`cache-bar__seg cache-bar__seg--${k}`} style={{ width: `${(segments[k] / total) * 100}%` }} title={`${LABEL[k]}: ${formatTokens(segments[k])} tokens`} />
        ))}
        <span className="cache-bar__uncached" style={{ left: `${cachedPct}%` }} />
      </div>
      {legend ? (
        <ul className="cache-bar__legend">
          {parts.map((k) => (
            <li key={k} className={`cache-bar__key cache-bar__key--${k}`}>
              {LABEL[k]} {formatTokens(segments[k])}
            </li>
          ))}
          <li className="cache-bar__key cache-bar__key--uncached">striped: not cached</li>
        </ul>
      ) : null}
    </div>
  );
}

/** What the colours of every segment bar mean, shown once above the turns. */
export function SegmentLegend() {
  return (
    <ul className="cache-bar__legend" aria-label="Prompt segments">
      {PROMPT_SEGMENT_ORDER.map((k) => (
        <li key={k} className={`cache-bar__key cache-bar__key--${k}`}>
          {LABEL[k]}
        </li>
      ))}
      <li className="cache-bar__key cache-bar__key--uncached">striped: not cached</li>
    </ul>
  );
}
