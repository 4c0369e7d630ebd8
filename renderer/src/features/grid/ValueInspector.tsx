import { CopyButton } from './CopyButton';
import { cellClipboardText } from './cellFormat';
import type { ActiveCell } from './DataGrid';

/** Values longer than a cell shows (or JSON) are worth opening in full. */
const INSPECT_FROM_CHARS = 60;
/** Beyond this the panel shows the start and offers the whole value through Copy. */
const SHOW_CHARS = 100_000;

/** The active cell's whole value: JSON pretty-printed, long text wrapped, NULL said as such. */
export function ValueInspector({ cell }: { cell: ActiveCell }) {
  const { value, column } = cell;
  const isObject = typeof value === 'object' && value !== null;
  const flat = cellClipboardText(value);
  if (!isObject && flat.length < INSPECT_FROM_CHARS) return null;
  const full = isObject ? JSON.stringify(value, null, 2) : flat;
  const shown =
    full.length > SHOW_CHARS
      ? `${full.slice(0, SHOW_CHARS)}\n… ${(full.length - SHOW_CHARS).toLocaleString('en-US')} more characters (Copy takes all)`
      : full;
  return (
    <section className="value-inspector" aria-label={`Value of ${column.name}`}>
      <div className="value-inspector__head">
        <strong>{column.name}</strong>
        <span className="builder__type">
          {column.type} · {full.length.toLocaleString('en-US')} chars
        </span>
        <span className="edit-review__spacer" />
        <CopyButton text={isObject ? JSON.stringify(value) : flat} label={`Copy value of ${column.name}`} />
      </div>
      <pre className="value-inspector__value" tabIndex={0}>
        {shown}
      </pre>
    </section>
  );
}
