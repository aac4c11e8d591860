import { useId, useState } from 'react';
import type { ModelCall } from '@boocode/contracts';
import { Icon } from '../ui/Icon';
import { cacheHitPct, formatDuration, formatTokens } from './latency';
import { formatCost } from './cacheTone';
import { LatencyBar } from './LatencyBar';
import { SegmentBar } from './SegmentBar';

/** A model request beside the turn's tool calls: its span, time to first token, tokens, cache and cost. */
export function ModelCallRow({ call, turnStartMs, turnDurationMs }: { call: ModelCall; turnStartMs: number; turnDurationMs: number }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const start = Date.parse(call.started_at);
  const latency = Date.parse(call.finished_at) - start;
  const ttft = call.first_token_at ? Date.parse(call.first_token_at) - start : null;
  const hit = cacheHitPct(call.usage);
  const label = call.kind === 'compaction' ? 'summary for compaction' : `model call ${call.step}`;
  return (
    <li className="trace trace--model">
      <button type="button" className="trace__head" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        <Icon name={open ? 'chevronDown' : 'chevronRight'} size={10} />
        <span className="trace__name">{label}</span>
        <span className="trace__target">{hit !== null ? `${hit}% cached` : ''}</span>
        <span className="trace__flag" />
        <LatencyBar startMs={start} latencyMs={latency} turnStartMs={turnStartMs} turnDurationMs={turnDurationMs} />
        <span className="trace__latency">{formatDuration(latency)}</span>
      </button>
      {open ? (
        <div className="trace__body" id={id}>
          <dl className="model-call__facts">
            <dt>Model</dt>
            <dd>{call.model}</dd>
            <dt>First token after</dt>
            <dd>{ttft === null ? '—' : formatDuration(ttft)}</dd>
            <dt>Tokens</dt>
            <dd>
              {formatTokens(call.usage.input_total)} in ({formatTokens(call.usage.cache_read)} cached
              {call.usage.cache_write > 0 ? `, ${formatTokens(call.usage.cache_write)} written to the cache` : ''}), {formatTokens(call.usage.output)} out
              {call.usage.reasoning > 0 ? ` (${formatTokens(call.usage.reasoning)} reasoning)` : ''}
            </dd>
            <dt>Cost</dt>
            <dd>
              {formatCost(call.cost)}
              {call.saved ? `, ${formatCost(call.saved)} saved by the cache` : ''}
            </dd>
          </dl>
          {call.segments ? <SegmentBar segments={call.segments} usage={call.usage} legend /> : null}
          {call.tokenizer ? <p className="model-call__note">Segments counted with the {call.tokenizer} tokenizer.</p> : null}
        </div>
      ) : null}
    </li>
  );
}
