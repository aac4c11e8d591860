import { useEffect, useState } from 'react';
import type { AgentModels } from './useAgentModels';

/**
 * A model picked from the agent's own list, or typed where the agent has none (or could not tell).
 * `onCommit` gets the choice: at once from the list, on Enter or leaving the field when typed.
 * Empty means the agent's default.
 */
export function ModelChoice({
  models,
  value,
  onCommit,
  className,
  placeholder = "The agent's default",
}: {
  models: AgentModels;
  value: string;
  onCommit: (model: string) => void;
  className?: string;
  placeholder?: string;
}) {
  const [typed, setTyped] = useState(value);
  useEffect(() => setTyped(value), [value]);
  if (models.state === 'loading') {
    return (
      <select className={className} aria-label="Model" disabled value="">
        <option value="">Asking for its models…</option>
      </select>
    );
  }
  if (models.state === 'list' && models.models.length > 0) {
    const listed = models.models.some((m) => m.id === value);
    return (
      <select className={className} aria-label="Model" value={value} onChange={(e) => onCommit(e.target.value)}>
        <option value="">{placeholder}</option>
        {/* A model set elsewhere (the API, a short name the agent matched) stays visible. */}
        {value && !listed ? <option value={value}>{value}</option> : null}
        {models.models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name ?? m.id}
          </option>
        ))}
      </select>
    );
  }
  const commit = () => typed.trim() !== value && onCommit(typed.trim());
  return (
    <input
      className={className}
      aria-label="Model"
      value={typed}
      onChange={(e) => setTyped(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        }
      }}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
    />
  );
}
