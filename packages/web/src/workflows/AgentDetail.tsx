import { useEffect, useMemo, useRef, useState } from 'react';
import type { Session } from '@boocode/contracts';
import { ChatPane } from '../chat/ChatPane';
import type { MessageListHandle } from '../chat/MessageList';
import { DiffFileView } from '../diff/DiffFileView';
import { parseUnifiedDiff } from '../diff/parseDiff';
import type { SessionStore, SessionView } from '../stream/SessionStore';
import { TraceViewer } from '../traces/TraceViewer';
import { EmptyState } from '../ui/EmptyState';
import { agentTitle, STATUS_TEXT } from './AgentRow';
import { RunResult } from './RunView';
import { displayStatus, type AgentView } from './runState';

type Tab = 'transcript' | 'traces' | 'changes';
const NO_MESSAGES: never[] = [];
const noop = () => {};

/**
 * One agent of a run: its task's chat (the chat pane itself), its tool calls (the trace viewer)
 * and, for an agent with a worktree of its own, its diff.
 */
export function AgentDetail({ store, view, session, agent: a }: { store: SessionStore; view: SessionView; session: Session; agent: AgentView }) {
  const [tab, setTab] = useState<Tab>('transcript');
  const listRef = useRef<MessageListHandle>(null);
  const { state } = view;
  const chatId = a.chatId;
  useEffect(() => {
    if (chatId) store.watchChat(chatId);
  }, [store, chatId]);
  const files = useMemo(() => (a.worktree ? parseUnifiedDiff(a.worktree.patch) : []), [a.worktree]);
  const status = displayStatus(a, a.taskId ? state.tasks[a.taskId]?.status : undefined);
  const tabs: [Tab, string][] = [
    ['transcript', 'Transcript'],
    ['traces', 'Tool calls'],
    ...(a.worktree ? ([['changes', `Changes (${a.worktree.files})`]] as [Tab, string][]) : []),
  ];

  return (
    <div className="wf-agent-detail">
      <div className="wf-agent-detail__head">
        <h3>{agentTitle(a)}</h3>
        <span className={`wf-status wf-status--${status}`}>
          <span className="wf-status__dot" aria-hidden="true" />
          {STATUS_TEXT[status]}
        </span>
        <span className="wf-agent__meta">{[a.agent, a.model, a.phase ? `phase ${a.phase}` : null].filter(Boolean).join(' · ')}</span>
      </div>
      {a.cached ? <p className="wf-form__help">Replayed from the journal of an earlier run: this is the transcript of the agent that produced it.</p> : null}
      {a.error ? <p className="wf-run__error">{a.error}</p> : null}
      {a.status === 'completed' && a.result !== null ? (
        <details className="wf-agent-detail__result">
          <summary>Result</summary>
          <RunResult value={a.result} />
        </details>
      ) : null}
      <div className="wf-tabs" role="tablist" aria-label="Agent views">
        {tabs.map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className="wf-tabs__tab" onClick={() => setTab(k)}>
            {label}
          </button>
        ))}
      </div>
      <div className="wf-agent-detail__body" role="tabpanel">
        {!chatId && tab !== 'changes' ? (
          <EmptyState title="Waiting for its task">The transcript shows here once a worker takes this agent.</EmptyState>
        ) : tab === 'transcript' && chatId ? (
          <ChatPane key={chatId} store={store} view={view} session={session} chatId={chatId} listRef={listRef} onFirstVisible={noop} />
        ) : tab === 'traces' && chatId ? (
          <TraceViewer
            chatId={chatId}
            messages={state.logs[chatId]?.messages ?? NO_MESSAGES}
            usage={state.usage[chatId] ?? NO_MESSAGES}
            traces={state.traces}
            onOpenTurn={(turn) => store.ensureTurnTraces(chatId, turn)}
            onLoadMore={(turn) => store.loadMoreTurnTraces(chatId, turn)}
          />
        ) : a.worktree ? (
          <div className="wf-agent-detail__diff">
            <p className="wf-form__help">
              Branch <code>{a.worktree.branch}</code> · +{a.worktree.additions} −{a.worktree.deletions}
            </p>
            {files.map((f) => (
              <section key={f.path} className="wf-diff-file" aria-label={f.path}>
                <h4>
                  <code>{f.path}</code> <span className="wf-form__help">+{f.additions} −{f.deletions}</span>
                </h4>
                <DiffFileView file={f} />
              </section>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
