import { memo, useEffect, useMemo } from 'react';
import type { PermissionOption } from '@boocode/contracts';
import { toolOffsets, type TaskView, type PermissionView, type UiMessage } from '../stream/sessionState';
import { Markdown } from '../markdown/Markdown';
import { PermissionCard } from '../permissions/PermissionCard';
import { cacheHitPct, formatDuration, formatTokens } from '../traces/latency';
import { formatTime } from '../ui/format';
import { IconButton } from '../ui/IconButton';
import { MessageImages } from './MessageImages';
import { NoticeList } from './NoticeList';
import { PlanList } from './PlanList';
import { RecoverActions, type Recovery } from './RecoverActions';
import { TurnError } from './TurnError';
import { ReasoningBlock } from './ReasoningBlock';
import { segmentTurn } from './segments';
import { ToolCallCard } from './ToolCallCard';
import { SubagentResultsNote } from '../subagents/SubagentResultsNote';

const ROLE: Record<UiMessage['role'], string> = { user: 'You', assistant: 'Agent', system: 'System' };

export interface MessageRowProps {
  message: UiMessage;
  permissions: PermissionView[];
  /** The task of a user message, when it has not produced a reply yet (queued, failed...). */
  task: TaskView | undefined;
  pinned: boolean;
  onPin: (id: string) => void;
  onCancelTask: (taskId: string) => void;
  /** True when this turn's tool calls must be fetched (a reload, or calls before we connected). */
  needsTraces: boolean;
  onNeedTraces: (turn: number) => void;
  onAnswerPermission: (permissionId: string, option: PermissionOption) => Promise<void>;
  /** Given to the chat's last message: its turn can be retried or continued when it ended badly. */
  recovery: Recovery | undefined;
}

/** The task of the turn this message ended, when that turn failed, was interrupted or cancelled. */
function endedBadly(m: UiMessage, task: TaskView | undefined): string | null {
  if (!m.task_id) return null;
  if (m.role === 'assistant') return m.status === 'failed' || m.status === 'cancelled' ? m.task_id : null;
  return m.role === 'user' && task && ['failed', 'cancelled', 'timed_out'].includes(task.status) ? m.task_id : null;
}

/** How often the turn of this message was continued after a restart. */
function resumedTimes(m: UiMessage): number {
  return Array.isArray(m.metadata.resumed) ? m.metadata.resumed.length : 0;
}

/** A turn BooCode started to hand the agent its background agents' results. */
const isResultsNote = (m: UiMessage) => m.role === 'user' && Array.isArray(m.metadata.subagent_results);

/** One message: header, reasoning, plan, tool calls, permissions, text, and a stats footer. */
export const MessageRow = memo(function MessageRow({
  message: m,
  permissions,
  task,
  pinned,
  onPin,
  onCancelTask,
  needsTraces,
  onNeedTraces,
  onAnswerPermission,
  recovery,
}: MessageRowProps) {
  // Rows mount only near the viewport, so calls are fetched for turns someone looks at.
  useEffect(() => {
    if (needsTraces && m.turn !== null) onNeedTraces(m.turn);
  }, [needsTraces, m.turn, onNeedTraces]);
  const streaming = m.status === 'streaming';
  const queued = m.role === 'user' && task?.status === 'pending';
  const duration = m.finished_at ? Date.parse(m.finished_at) - Date.parse(m.started_at) : null;
  const hit = cacheHitPct(m.usage);
  const segments = useMemo(() => segmentTurn(m.content, m.tools, toolOffsets(m), m.notices), [m]);
  const note = isResultsNote(m);
  return (
    <article
      className={`message message--${m.role}${note ? ' message--note' : ''}${pinned ? ' message--pinned' : ''}${m.status === 'failed' ? ' message--failed' : ''}`}
      aria-label={`${note ? 'BooCode' : ROLE[m.role]}${m.turn ? `, turn ${m.turn}` : ''}`}
      aria-busy={streaming}
    >
      <header className="message__head">
        <span className="message__role">{note ? 'BooCode' : ROLE[m.role]}</span>
        {m.model ? <span className="message__model">{m.model}</span> : null}
        <time className="message__time" dateTime={m.started_at}>
          {formatTime(m.started_at)}
        </time>
        {queued ? <span className="badge badge--queued">queued</span> : null}
        {resumedTimes(m) > 0 ? (
          <span className="badge badge--resumed" title="BooCode restarted during this answer; the agent continued where it had stopped">
            resumed after restart
          </span>
        ) : null}
        {queued && m.task_id ? (
          <button type="button" className="link-button" onClick={() => onCancelTask(m.task_id!)}>
            Cancel
          </button>
        ) : null}
        <IconButton icon="link" label="Link to this message" className="message__pin" onClick={() => onPin(m.id)} />
      </header>
      {m.role === 'user' ? <MessageImages images={m.metadata.images} /> : null}
      {m.reasoning ? <ReasoningBlock text={m.reasoning} streaming={streaming && m.content === ''} /> : null}
      {m.plan && m.plan.length > 0 ? <PlanList entries={m.plan} /> : null}
      <div className={`message__body${streaming ? ' message__body--streaming' : ''}`}>
        {note ? <SubagentResultsNote content={m.content} /> : null}
        {(note ? [] : segments).map((seg) =>
          seg.type === 'text' ? (
            <div key={`t${seg.start}`} className="message__step">
              <Markdown source={seg.text} streaming={streaming} />
            </div>
          ) : seg.type === 'notices' ? (
            <NoticeList key={`n${seg.key}`} notices={seg.notices} />
          ) : (
            <div key={`c${seg.tools[0]!.traceId}`} className="message__tools">
              {seg.tools.map((t) => (
                <ToolCallCard key={t.traceId} call={t} />
              ))}
            </div>
          ),
        )}
        {permissions.map((p) => (
          <PermissionCard key={p.permissionId} permission={p} onAnswer={onAnswerPermission} />
        ))}
        {streaming ? <span className="caret" aria-hidden="true" /> : null}
      </div>
      {m.role === 'assistant' ? <TurnError error={m.error} status={m.status} /> : null}
      {m.role === 'user' && task?.error ? <TurnError error={task.error} status="failed" /> : null}
      {recovery && endedBadly(m, task) ? <RecoverActions taskId={m.task_id!} recovery={recovery} /> : null}
      {m.role === 'assistant' ? (
        <footer className="message__foot">
          {streaming ? (
            <span>streaming…</span>
          ) : (
            <>
              <span>{m.status === 'complete' ? formatDuration(duration) : m.status}</span>
              {m.usage_reported === false ? (
                <span title="This agent does not report how many tokens it used">tokens not reported</span>
              ) : m.usage.input_total + m.usage.output > 0 ? (
                <span>
                  {formatTokens(m.usage.input_total)} in · {formatTokens(m.usage.output)} out
                  {hit !== null ? ` · ${hit}% cached` : ''}
                </span>
              ) : null}
              {m.tools.length > 0 ? (
                <span>
                  {m.tools.length} tool call{m.tools.length === 1 ? '' : 's'}
                </span>
              ) : null}
            </>
          )}
        </footer>
      ) : null}
    </article>
  );
});
