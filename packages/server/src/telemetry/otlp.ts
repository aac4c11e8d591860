import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Usage } from '@boocode/contracts';
import type { Telemetry, TurnSpan, TurnSpanIdentity, WorkflowSpan } from './telemetry.js';

/**
 * Spans after the OpenTelemetry GenAI semantic conventions: `invoke_agent` per turn, `chat` per
 * model call, `execute_tool` per tool call, with token usage (the cache write under both its older
 * `cache_creation` and its newer `cache_write` name) and BooCode's session, chat and task ids.
 * `invoke_workflow` per workflow run: the turns of its agents are its children wherever they run,
 * through the W3C traceparent the run's row carries. A subagent's `invoke_agent` is a child of the
 * `execute_tool` span that spawned it, through the traceparent its task's row carries.
 */

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function formatTraceparent(c: SpanContext): string {
  return `00-${c.traceId}-${c.spanId}-${c.traceFlags.toString(16).padStart(2, '0')}`;
}

/** The context to start a child span in; the active one when there is no parent or it does not parse. */
function parentContext(traceparent: string | null): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return context.active();
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true });
}

const usageAttributes = (u: Usage): Attributes => ({
  'gen_ai.usage.input_tokens': u.input_total,
  'gen_ai.usage.output_tokens': u.output,
  'gen_ai.usage.cache_read.input_tokens': u.cache_read,
  'gen_ai.usage.cache_creation.input_tokens': u.cache_write,
  'gen_ai.usage.cache_write.input_tokens': u.cache_write,
  'gen_ai.usage.reasoning.output_tokens': u.reasoning,
});

export function createOtlpTelemetry(endpoint: string, version: string): Telemetry {
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'boocode', 'service.version': version }),
    // Short delay: a turn's spans reach the collector about a second after it ends.
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('boocode', version);

  return {
    startTurn(id: TurnSpanIdentity): TurnSpan {
      const ids: Attributes = {
        'boocode.session.id': id.sessionId,
        'boocode.chat.id': id.chatId,
        'boocode.task.id': id.taskId,
        'boocode.turn': id.turn,
        'gen_ai.conversation.id': id.chatId,
        ...(id.workflowRunId ? { 'boocode.workflow_run.id': id.workflowRunId } : {}),
      };
      const root = tracer.startSpan(
        `invoke_agent ${id.agent}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.name': id.agent,
            ...(id.model ? { 'gen_ai.request.model': id.model } : {}),
            ...ids,
          },
        },
        parentContext(id.parent),
      );
      const parent = trace.setSpan(context.active(), root);
      const tools = new Map<string, { span: Span; name: string }>();
      return {
        traceId: root.spanContext().traceId,
        modelCall(call) {
          const span = tracer.startSpan(
            `chat ${call.model}`,
            {
              kind: SpanKind.CLIENT,
              startTime: new Date(call.started_at),
              attributes: {
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': call.model,
                ...(call.provider ? { 'gen_ai.provider.name': call.provider } : {}),
                'boocode.model_call.step': call.step,
                'boocode.model_call.kind': call.kind,
                ...(call.first_token_at ? { 'boocode.time_to_first_token_ms': Date.parse(call.first_token_at) - Date.parse(call.started_at) } : {}),
                ...(call.cost !== null ? { 'boocode.cost_usd': call.cost } : {}),
                ...usageAttributes(call.usage),
                ...ids,
              },
            },
            parent,
          );
          span.end(new Date(call.finished_at));
        },
        toolStarted(t) {
          const span = tracer.startSpan(
            `execute_tool ${t.toolName}`,
            {
              kind: SpanKind.INTERNAL,
              startTime: t.startedAt,
              attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': t.toolName, 'gen_ai.tool.call.id': t.toolCallId, ...ids },
            },
            parent,
          );
          tools.set(t.id, { span, name: t.toolName });
          return formatTraceparent(span.spanContext());
        },
        toolFinished(traceId, end) {
          const open = tools.get(traceId);
          if (!open) return;
          tools.delete(traceId);
          if (end.error) open.span.setStatus({ code: SpanStatusCode.ERROR, message: end.error });
          open.span.end(end.finishedAt);
        },
        end(o) {
          for (const { span } of tools.values()) span.end();
          tools.clear();
          root.setAttributes({ ...usageAttributes(o.usage), 'boocode.turn.status': o.status, ...(o.model ? { 'gen_ai.response.model': o.model } : {}) });
          if (o.error) root.setStatus({ code: SpanStatusCode.ERROR, message: o.error });
          root.end();
        },
      };
    },
    startWorkflow(id): WorkflowSpan {
      const span = tracer.startSpan(
        `invoke_workflow ${id.name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'gen_ai.operation.name': 'invoke_workflow',
            'boocode.workflow.name': id.name,
            'boocode.workflow_run.id': id.runId,
            'boocode.session.id': id.sessionId,
          },
        },
        parentContext(id.parent),
      );
      return {
        traceId: span.spanContext().traceId,
        traceparent: formatTraceparent(span.spanContext()),
        end(o) {
          span.setAttribute('boocode.workflow_run.status', o.status);
          if (o.error) span.setStatus({ code: SpanStatusCode.ERROR, message: o.error });
          span.end();
        },
      };
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
