import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../src/diff/parseDiff';

const PATCH = `diff --git a/src/a.ts b/src/a.ts
index 1111111..2222222 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -1,4 +1,5 @@ export function f() {
 const a = 1;
-const b = 2;
+const b = 3;
+const c = 4;
 return a;
--- not a header
\\ No newline at end of file
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+hello
diff --git a/gone.md b/gone.md
deleted file mode 100644
--- a/gone.md
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/old name.ts b/new name.ts
similarity index 100%
rename from old name.ts
rename to new name.ts
diff --git a/logo.png b/logo.png
index 4444444..5555555 100644
Binary files a/logo.png and b/logo.png differ
`;

describe('parseUnifiedDiff', () => {
  const files = parseUnifiedDiff(PATCH);

  it('splits files with status and stats', () => {
    expect(files.map((f) => [f.path, f.status, f.additions, f.deletions, f.binary])).toEqual([
      ['src/a.ts', 'modified', 2, 2, false],
      ['new.txt', 'added', 1, 0, false],
      ['gone.md', 'deleted', 0, 1, false],
      ['new name.ts', 'renamed', 0, 0, false],
      ['logo.png', 'modified', 0, 0, true],
    ]);
    expect(files[3]!.oldPath).toBe('old name.ts');
  });

  it('numbers old and new lines through a hunk', () => {
    const lines = files[0]!.hunks[0]!.lines;
    expect(lines.map((l) => [l.kind, l.oldNo, l.newNo])).toEqual([
      ['context', 1, 1],
      ['del', 2, null],
      ['add', null, 2],
      ['add', null, 3],
      ['context', 3, 4],
      ['del', 4, null],
      ['note', null, null],
    ]);
    expect(lines[5]!.text).toBe('-- not a header');
    expect(files[0]!.hunks[0]!.header).toBe('@@ -1,4 +1,5 @@ export function f() {');
  });

  it('returns no files for an empty patch', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
