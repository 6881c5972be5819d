import { checkHeaderName, checkHeaderValue } from '../lib/json-checks';
import { Button } from './ui';

export type Pair = { name: string; value: string };

export function pairsFrom(record: Record<string, unknown> | null | undefined): Pair[] {
  return Object.entries(record ?? {}).map(([name, value]) => ({ name, value: String(value) }));
}

/** Problems of a header list; an empty list is fine. */
export function headerProblems(pairs: Pair[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  pairs.forEach((p, i) => {
    if (!p.name && !p.value) return;
    const problem = checkHeaderName(p.name);
    if (problem) problems.push(`Row ${i + 1}: ${problem}`);
    if (seen.has(p.name.toLowerCase())) problems.push(`Row ${i + 1}: ${p.name} is given twice`);
    seen.add(p.name.toLowerCase());
    const valueProblem = checkHeaderValue(p.value);
    if (valueProblem) problems.push(`Row ${i + 1}: ${valueProblem}`);
  });
  if (pairs.length > 20) problems.push('At most 20 custom headers');
  return problems;
}

export function pairsToRecord(pairs: Pair[]): Record<string, string> {
  return Object.fromEntries(pairs.filter((p) => p.name).map((p) => [p.name, p.value]));
}

/** Custom headers as editable rows. */
export function KeyValueEditor({
  legend,
  pairs,
  onChange,
}: {
  legend: string;
  pairs: Pair[];
  onChange(pairs: Pair[]): void;
}) {
  const problems = headerProblems(pairs);
  const update = (i: number, patch: Partial<Pair>) =>
    onChange(pairs.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset className="kv-editor">
      <legend>{legend}</legend>
      {pairs.length === 0 && <p className="hint">No custom headers.</p>}
      {pairs.map((pair, i) => (
        <div className="kv-row" key={i}>
          <input
            aria-label={`Header ${i + 1} name`}
            placeholder="X-Customer-Id"
            value={pair.name}
            onChange={(e) => update(i, { name: e.target.value })}
          />
          <input
            aria-label={`Header ${i + 1} value`}
            placeholder="value"
            value={pair.value}
            onChange={(e) => update(i, { value: e.target.value })}
          />
          <Button
            variant="link"
            aria-label={`Remove header ${i + 1}`}
            onClick={() => onChange(pairs.filter((_, j) => j !== i))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...pairs, { name: '', value: '' }])}>Add header</Button>
      {problems.length > 0 && (
        <ul className="field-error" aria-live="polite">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
