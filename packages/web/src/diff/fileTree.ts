import type { DiffFile } from '@boocode/contracts';

export interface TreeFile {
  kind: 'file';
  name: string;
  file: DiffFile;
}

export interface TreeDir {
  kind: 'dir';
  /** One folder, or a chain of folders with nothing else in them ("src/web/diff"). */
  name: string;
  /** Repository-relative path of the (last) folder: the key it is collapsed by. */
  path: string;
  children: TreeNode[];
  additions: number;
  deletions: number;
}

export type TreeNode = TreeFile | TreeDir;

interface Building {
  dirs: Map<string, Building>;
  files: TreeFile[];
}

/**
 * The changed files as a folder tree: folders first, then files, each by name; a folder holding
 * only one folder is shown as one row ("src/web"), as review tools do. Folders sum their files'
 * added and deleted lines.
 */
export function fileTree(files: readonly DiffFile[]): TreeNode[] {
  const root: Building = { dirs: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    const name = parts.pop()!;
    let at = root;
    for (const part of parts) {
      let next = at.dirs.get(part);
      if (!next) at.dirs.set(part, (next = { dirs: new Map(), files: [] }));
      at = next;
    }
    at.files.push({ kind: 'file', name, file });
  }
  return build(root, '');
}

function build(node: Building, prefix: string): TreeNode[] {
  const dirs = [...node.dirs.entries()].sort(([a], [b]) => a.localeCompare(b));
  const out: TreeNode[] = [];
  for (const [name, child] of dirs) {
    let label = name;
    let at = child;
    // Fold a chain of folders that hold a single folder and no files.
    while (at.files.length === 0 && at.dirs.size === 1) {
      const [[next, inner]] = [...at.dirs.entries()] as [[string, Building]];
      label = `${label}/${next}`;
      at = inner;
    }
    const path = prefix + label;
    const children = build(at, `${path}/`);
    const sum = (k: 'additions' | 'deletions') =>
      children.reduce((n, c) => n + (c.kind === 'dir' ? c[k] : c.file[k]), 0);
    out.push({ kind: 'dir', name: label, path, children, additions: sum('additions'), deletions: sum('deletions') });
  }
  out.push(...[...node.files].sort((a, b) => a.name.localeCompare(b.name)));
  return out;
}
