import type { NoticeView } from '../stream/sessionState';

/** Things the agent told the user outside its answer (context compaction, warnings). */
export function NoticeList({ notices }: { notices: NoticeView[] }) {
  return (
    <ul className="notices">
      {notices.map((n, i) => (
        <li key={i} className={`notice notice--${/^(error|warn)/.test(n.severity) ? 'warn' : 'info'}`}>
          <strong>{n.title}</strong>
          {n.description ? <span> — {n.description}</span> : null}
        </li>
      ))}
    </ul>
  );
}
