import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowCatalog, WorkflowCatalogEntry, WorkflowFileProblem, WorkflowMeta, WorkflowSource } from '@boocode/contracts';
import { BUILTIN_DIR, parseWorkflow } from '@boocode/workflows';

/** A workflow the catalog offers, with the text it runs. */
export interface DiscoveredWorkflow extends WorkflowCatalogEntry {
  script: string;
}

export interface Catalog {
  workflows: Map<string, DiscoveredWorkflow>;
  problems: WorkflowFileProblem[];
}

/**
 * Where workflows are looked for, in order; the first file of a name wins. `.claude/workflows`
 * lets Claude Code users' files run as they are.
 */
export function workflowDirs(projectPath: string, home: string): { source: WorkflowSource; dir: string }[] {
  return [
    { source: 'project', dir: path.join(projectPath, '.boocode', 'workflows') },
    { source: 'claude', dir: path.join(projectPath, '.claude', 'workflows') },
    { source: 'home', dir: path.join(home, 'workflows') },
    { source: 'builtin', dir: BUILTIN_DIR },
  ];
}

/**
 * Every workflow a session of the project can run, by its `meta.name`. Files are read fresh on
 * each call (users edit them while the server runs). A file that does not parse is reported with
 * why, never dropped silently; a name taken by an earlier file is shadowed.
 */
export async function loadCatalog(projectPath: string, home: string): Promise<Catalog> {
  const workflows = new Map<string, DiscoveredWorkflow>();
  const problems: WorkflowFileProblem[] = [];
  for (const { source, dir } of workflowDirs(projectPath, home)) {
    for (const file of await readWorkflowDir(dir)) {
      const parsed = metaOf(file.source);
      if (typeof parsed === 'string') {
        problems.push({ source, path: file.path, error: parsed });
        continue;
      }
      const meta = parsed;
      if (workflows.has(meta.name)) continue;
      workflows.set(meta.name, {
        name: meta.name,
        description: meta.description,
        whenToUse: meta.whenToUse ?? null,
        phases: meta.phases ?? [],
        source,
        path: source === 'builtin' ? null : file.path,
        script: file.source,
      });
    }
  }
  return { workflows, problems };
}

/**
 * Files are read on every run and catalog request, but rarely change: what parsing found is kept
 * per file text (its meta, or why it cannot run).
 */
const parsedFiles = new Map<string, WorkflowMeta | string>();
const PARSED_FILES_KEPT = 256;

function metaOf(source: string): WorkflowMeta | string {
  let found = parsedFiles.get(source);
  if (found === undefined) {
    try {
      found = parseWorkflow(source).meta;
    } catch (err) {
      found = (err as Error).message;
    }
    if (parsedFiles.size >= PARSED_FILES_KEPT) parsedFiles.delete(parsedFiles.keys().next().value!);
    parsedFiles.set(source, found);
  }
  return found;
}

export function catalogResponse(catalog: Catalog): WorkflowCatalog {
  return {
    items: [...catalog.workflows.values()].map(({ script: _script, ...entry }) => entry),
    problems: catalog.problems,
  };
}

/** The `*.js` files of a directory, by name; none when it does not exist. */
async function readWorkflowDir(dir: string): Promise<{ path: string; source: string }[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => e.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  names.sort();
  return Promise.all(names.map(async (name) => ({ path: path.join(dir, name), source: await readFile(path.join(dir, name), 'utf8') })));
}
