import { SCHEMA_OBJECT_KINDS, type SchemaDiffEntry, type SchemaObjectKind } from '../../../../shared/contract/schemaDiff';
import { assertNever } from '../../../../shared/contract/result';
import { TextDiff } from './TextDiff';

function kindTitle(kind: SchemaObjectKind): string {
  switch (kind) {
    case 'role':
      return 'Roles';
    case 'schema':
      return 'Schemas';
    case 'sequence':
      return 'Sequences';
    case 'table':
      return 'Tables';
    case 'column':
      return 'Columns';
    case 'constraint':
      return 'Constraints';
    case 'index':
      return 'Indexes';
    case 'view':
      return 'Views';
    case 'function':
      return 'Functions';
    case 'trigger':
      return 'Triggers';
    case 'policy':
      return 'Policies';
    case 'grant':
      return 'Grants';
    default:
      return assertNever(kind, 'schema object kind');
  }
}

const CHANGE_LABEL = { added: 'only right', removed: 'only left', changed: 'changed' } as const;

/** The diff grouped by object kind (in dependency order), each group with its counts. */
export function DiffEntries({ entries }: { entries: readonly SchemaDiffEntry[] }) {
  const groups = SCHEMA_OBJECT_KINDS.map((kind) => ({ kind, items: entries.filter((e) => e.kind === kind) })).filter(
    (g) => g.items.length > 0,
  );
  // A short diff opens every entry; a long one lists names first.
  const open = entries.length <= 40;
  return (
    <div className="schema-diff__groups">
      {groups.map((g) => {
        const count = (change: SchemaDiffEntry['change']) => g.items.filter((e) => e.change === change).length;
        return (
          <section key={g.kind} className="schema-diff__group" aria-labelledby={`schema-diff-${g.kind}`}>
            <h2 id={`schema-diff-${g.kind}`} className="schema-diff__group-title">
              {kindTitle(g.kind)} <span className="schema-diff__count">{g.items.length}</span>
              <span className="schema-diff__tally">
                {count('added') > 0 && <span className="schema-diff__badge schema-diff__badge--added">+{count('added')}</span>}
                {count('removed') > 0 && <span className="schema-diff__badge schema-diff__badge--removed">−{count('removed')}</span>}
                {count('changed') > 0 && <span className="schema-diff__badge schema-diff__badge--changed">~{count('changed')}</span>}
              </span>
            </h2>
            {g.items.map((e, i) => (
              <details key={`${e.change}:${e.name}:${i}`} className={`schema-diff__entry schema-diff__entry--${e.change}`} open={open}>
                <summary>
                  <span className={`schema-diff__badge schema-diff__badge--${e.change}`}>{CHANGE_LABEL[e.change]}</span>
                  <code className="schema-diff__name">{e.name}</code>
                </summary>
                <Attributes entry={e} />
              </details>
            ))}
          </section>
        );
      })}
    </div>
  );
}

function Attributes({ entry }: { entry: SchemaDiffEntry }) {
  return (
    <div className="schema-diff__attributes">
      {entry.attributes.map((a) =>
        entry.change === 'changed' && a.before !== null && a.after !== null && (a.before.includes('\n') || a.after.includes('\n')) ? (
          <div key={a.name} className="schema-diff__attribute">
            <div className="schema-diff__attribute-name">{a.name}</div>
            <TextDiff before={a.before} after={a.after} />
          </div>
        ) : (
          <div key={a.name} className="schema-diff__attribute schema-diff__attribute--pair">
            <div className="schema-diff__attribute-name">{a.name}</div>
            <pre className={a.before === null ? 'schema-diff__gap' : entry.change === 'added' ? '' : 'schema-diff__old'}>
              {a.before ?? ''}
            </pre>
            <pre className={a.after === null ? 'schema-diff__gap' : entry.change === 'removed' ? '' : 'schema-diff__new'}>
              {a.after ?? ''}
            </pre>
          </div>
        ),
      )}
    </div>
  );
}
