import type { DiffFile } from '@boocode/contracts';
import type { Collision } from '../stream/sessionState';

const STATUS: Record<DiffFile['status'], { letter: string; label: string }> = {
  added: { letter: 'A', label: 'added' },
  modified: { letter: 'M', label: 'modified' },
  deleted: { letter: 'D', label: 'deleted' },
  renamed: { letter: 'R', label: 'renamed' },
  binary: { letter: 'B', label: 'binary' },
};

/** Files of the change with their line stats; a file another session also touches is flagged. */
export function DiffFileList({
  files,
  collisions,
  selected,
  onSelect,
}: {
  files: DiffFile[];
  collisions: Collision[];
  selected: string | null;
  onSelect: (path: string) => void;
}) {
  const colliding = new Map<string, Collision['severity']>();
  for (const c of collisions) {
    const worst = colliding.get(c.file);
    if (!worst || c.severity === 'same_line' || (c.severity === 'adjacent_line' && worst === 'different_area')) colliding.set(c.file, c.severity);
  }
  return (
    <ul className="diff-files" aria-label="Changed files">
      {files.map((f) => {
        const st = STATUS[f.status];
        const clash = colliding.get(f.path);
        return (
          <li key={f.path}>
            <button
              type="button"
              className="diff-files__item"
              aria-current={selected === f.path ? 'true' : undefined}
              onClick={() => onSelect(f.path)}
            >
              <span className={`diff-files__status diff-files__status--${f.status}`} title={st.label} aria-label={st.label}>
                {st.letter}
              </span>
              <span className="diff-files__path" title={f.old_path ? `${f.old_path} → ${f.path}` : f.path}>
                {f.path}
              </span>
              {clash ? (
                <span className={`badge badge--collision-${clash}`} title="another session changes this file">
                  {clash.replace('_', ' ')}
                </span>
              ) : null}
              {f.binary ? (
                <span className="diff-files__stat">bin</span>
              ) : (
                <span className="diff-files__stat">
                  <span className="diff-add">+{f.additions}</span> <span className="diff-del">−{f.deletions}</span>
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
