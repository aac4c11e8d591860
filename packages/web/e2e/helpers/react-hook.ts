/**
 * Script text that installs a stand-in for the hook React offers developer tools (React calls it
 * in production builds too, so nothing is added to the app), with `onCommit` as the body of
 * `onCommitFiberRoot(_id, root)`. It must run before any page script: React looks the hook up once,
 * when it loads. `setup` runs first, in the same scope.
 */
export const reactCommitHook = (setup: string, onCommit: string): string => `(() => {
  ${setup}
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject() { return 1; },
    checkDCE() {},
    onScheduleFiberRoot() {},
    onCommitFiberRoot(_id, root) { ${onCommit} },
    onPostCommitFiberRoot() {},
    onCommitFiberUnmount() {},
  };
})()`;
