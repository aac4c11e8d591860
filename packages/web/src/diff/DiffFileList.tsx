import { useMemo, useState } from 'react';
import type { DiffFile } from '@boocode/contracts';
import type { Collision } from '../stream/sessionState';
import { fileTree, type TreeNode } from './fileTree';

const STATUS: Record<DiffFile['status'], { letter: string; label: string }> = {
  added: { letter: 'A', label: 'added' },
  modified: { letter: 'M', label: 'modified' },
  deleted: { letter: 'D', label: 'deleted' },
  renamed: { letter: 'R', label: 'renamed' },
  binary: { letter: 'B', label: 'binary' },
};

function Stat({ additions, deletions }: { additions: number; deletions: number }) {
  return (
    <span className="diff-files__stat">
      <span className="diff-add">+{additions}</span> <span className="diff-del">−{deletions}</span>
    </span>
  );
}

/**
 * The change's files as a folder tree to jump between them: folders fold away and show the lines
 * added and removed under them; each file its status and stats. A file another session also
 * touches is flagged.
 */
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
  const tree = useMemo(() => fileTree(files), [files]);
  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  const colliding = new Map<string, Collision['severity']>();
  for (const c of collisions) {
    const worst = colliding.get(c.file);
    if (!worst || c.severity === 'same_line' || (c.severity === 'adjacent_line' && worst === 'different_area')) colliding.set(c.file, c.severity);
  }
  const toggle = (path: string) =>
    setFolded((prev) => {
      const next = new Set(prev);
      if (!next.delete(path)) next.add(path);
      return next;
    });

  const render = (nodes: TreeNode[], depth: number) =>
    nodes.map((node) => {
      const indent = { paddingLeft: `${8 + depth * 14}px` };
      if (node.kind === 'dir') {
        const open = !folded.has(node.path);
        return (
          <li key={`d:${node.path}`}>
            <button
              type="button"
              className="diff-files__item diff-files__item--dir"
              style={indent}
              aria-expanded={open}
              aria-label={`Folder ${node.path}, ${node.additions} added, ${node.deletions} removed`}
              onClick={() => toggle(node.path)}
            >
              <span className="diff-files__caret" aria-hidden="true">
                {open ? '▾' : '▸'}
              </span>
              <span className="diff-files__path diff-files__path--dir" title={node.path}>
                {node.name}/
              </span>
              <span />
              <Stat additions={node.additions} deletions={node.deletions} />
            </button>
            {open ? <ul>{render(node.children, depth + 1)}</ul> : null}
          </li>
        );
      }
      const f = node.file;
      const st = STATUS[f.status];
      const clash = colliding.get(f.path);
      return (
        <li key={f.path}>
          <button
            type="button"
            className="diff-files__item"
            style={indent}
            aria-current={selected === f.path ? 'true' : undefined}
            aria-label={`${f.path}, ${st.label}${f.binary ? ', binary' : `, ${f.additions} added, ${f.deletions} removed`}`}
            onClick={() => onSelect(f.path)}
          >
            <span className={`diff-files__status diff-files__status--${f.status}`} title={st.label}>
              {st.letter}
            </span>
            <span className="diff-files__path" title={f.old_path ? `${f.old_path} → ${f.path}` : f.path}>
              {node.name}
            </span>
            {clash ? (
              <span className={`badge badge--collision-${clash}`} title="another session changes this file">
                {clash.replace('_', ' ')}
              </span>
            ) : (
              <span />
            )}
            {f.binary ? <span className="diff-files__stat">bin</span> : <Stat additions={f.additions} deletions={f.deletions} />}
          </button>
        </li>
      );
    });

  return (
    <ul className="diff-files" aria-label="Changed files">
      {render(tree, 0)}
    </ul>
  );
}
