import { memo, useMemo, type ComponentProps, type ReactNode } from 'react';
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { defaultUrlTransform, type Components, type ExtraProps } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { toJsxRuntime } from 'hast-util-to-jsx-runtime';
import type { Root as MdRoot, RootContent } from 'mdast';
import type { Element, Root as HastRoot, RootContent as HastContent } from 'hast';
import { CodeBlock } from './CodeBlock';
import { splitChunks } from './chunks';

/**
 * Message text as GFM (tables, task lists, strikethrough, autolinks) through the unified
 * pipeline react-markdown is made of (remark, remark-gfm, remark-rehype, hast to React
 * elements, with react-markdown's URL filter): React elements, never an HTML string. The
 * pipeline is built once and reused; react-markdown's component builds it on every render,
 * which cost a long chat twice as much time to mount. HTML written in the text is shown as text, links
 * pass react-markdown's URL filter (no `javascript:`) and open in a new tab, and images are
 * shown as links (a message cannot make the browser fetch anything). While a message streams
 * its text is cut into chunks that render separately, so only the last one is parsed again;
 * a finished message is parsed whole (one parse costs less than several, and references
 * between chunks resolve).
 */
export const Markdown = memo(function Markdown({ source, streaming = false }: { source: string; streaming?: boolean }) {
  const chunks = useMemo(() => (streaming ? splitChunks(source) : [source]), [source, streaming]);
  return (
    <div className="markdown">
      {chunks.map((chunk, i) => (
        <MarkdownChunk key={i} source={chunk} />
      ))}
    </div>
  );
});

/**
 * Rendered chunks by text, most recent last: a virtualized chat mounts a row again each time it
 * scrolls back into view, and parsing is most of what mounting a message costs.
 */
const rendered = new Map<string, ReactNode>();
const RENDERED_MAX = 400;

function render(source: string): ReactNode {
  const hit = rendered.get(source);
  if (hit !== undefined) {
    rendered.delete(source);
    rendered.set(source, hit);
    return hit;
  }
  const tree = PIPELINE.runSync(PIPELINE.parse(source)) as HastRoot;
  filterUrls(tree);
  const out = toJsxRuntime(tree, { Fragment, jsx, jsxs, components: COMPONENTS, ignoreInvalidStyle: true, passKeys: true, passNode: true });
  rendered.set(source, out);
  if (rendered.size > RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
  return out;
}

const MarkdownChunk = memo(function MarkdownChunk({ source }: { source: string }) {
  return useMemo(() => render(source), [source]);
});

/** Raw HTML in a message becomes literal text ("use the <details> element" keeps its tag). */
function htmlAsText() {
  return (tree: MdRoot) => {
    const visit = (node: MdRoot | RootContent) => {
      if (!('children' in node)) return;
      node.children = node.children.map((c) => (c.type === 'html' ? { type: 'text', value: c.value } : c)) as typeof node.children;
      node.children.forEach(visit);
    };
    visit(tree);
  };
}

const PIPELINE = unified().use(remarkParse).use(remarkGfm).use(htmlAsText).use(remarkRehype).freeze();

/** Links and images keep only URLs that cannot run script (react-markdown's own filter). */
function filterUrls(node: HastRoot | HastContent): void {
  if (node.type === 'element') {
    for (const key of ['href', 'src'] as const) {
      const v = node.properties[key];
      if (typeof v === 'string') node.properties[key] = defaultUrlTransform(v);
    }
  }
  if ('children' in node) node.children.forEach(filterUrls);
}

/** Text of a hast element (a code block's content: text nodes only, nothing is highlighted yet). */
function textOf(e: Element): string {
  return e.children.map((c) => (c.type === 'text' ? c.value : c.type === 'element' ? textOf(c) : '')).join('');
}

function Pre({ node }: ComponentProps<'pre'> & ExtraProps) {
  const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  if (!code) return null;
  const cls = code.properties.className;
  const lang = (Array.isArray(cls) ? cls.map(String) : []).find((c) => c.startsWith('language-'))?.slice('language-'.length) ?? '';
  return <CodeBlock code={textOf(code).replace(/\n$/, '')} lang={lang} />;
}

// A message's headings sit below the chat's own: # is drawn as h2, and so on down.
const shift =
  (Tag: 'h2' | 'h3' | 'h4' | 'h5' | 'h6') =>
  ({ node: _, ...props }: ComponentProps<'h1'> & ExtraProps) => <Tag {...props} />;

const COMPONENTS: Components = {
  pre: Pre,
  h1: shift('h2'),
  h2: shift('h3'),
  h3: shift('h4'),
  h4: shift('h5'),
  h5: shift('h6'),
  h6: shift('h6'),
  a: ({ node: _, href, children, ...props }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src !== '' ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow">
        {alt || src}
      </a>
    ) : (
      <span>{alt}</span>
    ),
  table: ({ node: _, ...props }) => (
    <div className="markdown__table-wrap">
      <table {...props} />
    </div>
  ),
};
