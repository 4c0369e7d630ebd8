import { diffLines } from 'diff';
import { useMemo } from 'react';

interface Row {
  readonly left: string | null;
  readonly right: string | null;
  readonly kind: 'same' | 'removed' | 'added' | 'changed';
}

/**
 * Two definitions side by side, line against line. The line matching is jsdiff's (`diff`, Myers'
 * algorithm, well kept and small); pairing a removed run with the added run after it is ours, so a
 * changed line sits opposite its new version.
 */
export function sideBySide(before: string, after: string): Row[] {
  const rows: Row[] = [];
  // Both end in a newline, so a last line is not "changed" only because the other text goes on.
  const eol = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const parts = diffLines(eol(before), eol(after));
  const lines = (text: string) => text.replace(/\n$/, '').split('\n');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const line of lines(part.value)) rows.push({ left: line, right: line, kind: 'same' });
      continue;
    }
    if (part.removed && parts[i + 1]?.added) {
      const l = lines(part.value);
      const r = lines(parts[i + 1]!.value);
      for (let j = 0; j < Math.max(l.length, r.length); j++) {
        rows.push({ left: l[j] ?? null, right: r[j] ?? null, kind: 'changed' });
      }
      i++;
      continue;
    }
    for (const line of lines(part.value)) {
      rows.push(part.removed ? { left: line, right: null, kind: 'removed' } : { left: null, right: line, kind: 'added' });
    }
  }
  return rows;
}

export function TextDiff({ before, after }: { before: string; after: string }) {
  const rows = useMemo(() => sideBySide(before, after), [before, after]);
  return (
    <table className="schema-diff__text">
      <thead>
        <tr>
          <th scope="col">Left</th>
          <th scope="col">Right</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i} className={`schema-diff__line schema-diff__line--${row.kind}`}>
            <td className={row.left === null ? 'schema-diff__gap' : row.kind === 'same' ? '' : 'schema-diff__old'}>{row.left ?? ''}</td>
            <td className={row.right === null ? 'schema-diff__gap' : row.kind === 'same' ? '' : 'schema-diff__new'}>{row.right ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
