export { startFakeLlm, type FakeLlm, type FakeLlmOptions } from './server.js';
export {
  ScriptedTurn,
  ScriptedToolCall,
  ScriptedUsage,
  TurnMatch,
  FakeLlmScriptFile,
} from './script.js';
export type { RecordedRequest, RecordedTool, RecordedImage, ChatMessage, ChatContentPart } from './request.js';
export { isTitleRequest } from './request.js';
export { runFakeLlmCli } from './cli.js';
