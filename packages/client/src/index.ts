export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './stream/backoff.js';
export { SeqOrderer, type Sequenced } from './stream/seq-orderer.js';
export { FrameSocket, type FrameSocketOptions } from './stream/frame-socket.js';
export type { SocketStatus, Timers, WebSocketLike } from './stream/reconnecting-socket.js';
export {
  sessionFrames,
  userFrames,
  streamUrl,
  sessionStreamPath,
  userStreamPath,
  type FramePlace,
  type FrameStream,
  type ParseResult,
} from './stream/frame-streams.js';
export { TerminalSocket, terminalStreamUrl, type BinaryWebSocketLike, type TerminalSocketOptions } from './stream/terminal-socket.js';
export { ApiClient, routeUrl, type ApiClientOptions, type CallArgs, type CallOptions } from './http.js';
export { ApiClientError, ServerUnreachableError, errorText } from './errors.js';
