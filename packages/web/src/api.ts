import { ApiClient } from '@boocode/client';

/** Listeners told about 401s, so the shell can show the sign-in screen from anywhere. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** The API of the server that served this page, signed in by its session cookie. */
export const api = new ApiClient({
  baseUrl: '',
  credentials: 'same-origin',
  onUnauthorized: () => unauthorizedListeners.forEach((fn) => fn()),
});

/** This browser is signed out (its own cookie went with "log out all browsers"): show the sign-in screen. */
export function signedOutHere(): void {
  unauthorizedListeners.forEach((fn) => fn());
}
