import { useId } from 'react';
import { parseJson } from '../lib/json-checks';

export interface JsonEditorProps {
  label: string;
  value: string;
  onChange(text: string): void;
  hint?: string;
  /** Extra problems of the parsed value (schema shape, filter syntax, example vs schema). */
  check?: (value: unknown) => string[];
  rows?: number;
  placeholder?: string;
  readOnly?: boolean;
}

/** The problems a JsonEditor would show for `text` (empty: valid). */
export function jsonProblems(text: string, check?: (value: unknown) => string[]): string[] {
  const parsed = parseJson(text);
  if (!parsed.ok)
    return [`Invalid JSON${parsed.line ? ` (line ${parsed.line})` : ''}: ${parsed.error}`];
  if (parsed.empty || !check) return [];
  return check(parsed.value);
}

/** A JSON textarea that reports parse errors and domain problems as you type. */
export function JsonEditor({
  label,
  value,
  onChange,
  hint,
  check,
  rows = 8,
  placeholder,
  readOnly,
}: JsonEditorProps) {
  const id = useId();
  const problems = jsonProblems(value, check);
  const parsed = parseJson(value);
  return (
    <div className={`field json-editor${problems.length ? ' field-invalid' : ''}`}>
      <div className="json-editor-head">
        <label htmlFor={id}>{label}</label>
        {!readOnly && parsed.ok && !parsed.empty && (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => onChange(JSON.stringify(parsed.value, null, 2))}
          >
            Format
          </button>
        )}
      </div>
      <textarea
        id={id}
        className="code"
        rows={rows}
        spellCheck={false}
        value={value}
        readOnly={readOnly}
        placeholder={placeholder}
        aria-invalid={problems.length ? true : undefined}
        aria-describedby={`${id}-hint ${id}-problems`}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          // Tab indents inside the editor; Escape then Tab leaves it (keyboard users keep a way out).
          if (
            e.key === 'Tab' &&
            !e.shiftKey &&
            !readOnly &&
            e.currentTarget.dataset.escaped !== '1'
          ) {
            e.preventDefault();
            const el = e.currentTarget;
            const { selectionStart: start, selectionEnd: end } = el;
            onChange(`${value.slice(0, start)}  ${value.slice(end)}`);
            requestAnimationFrame(() => el.setSelectionRange(start + 2, start + 2));
          }
          e.currentTarget.dataset.escaped = e.key === 'Escape' ? '1' : '';
        }}
      />
      <div className="hint" id={`${id}-hint`}>
        {hint}
        {hint && !readOnly ? ' ' : ''}
        {!readOnly && 'Tab indents; press Escape then Tab to leave the editor.'}
      </div>
      <ul className="field-error" id={`${id}-problems`} aria-live="polite">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
