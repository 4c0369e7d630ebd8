import type { PolicyChangeInput, PolicyCommand, PolicyInfo } from '../../../../shared/contract/admin';

/** The form's state while a policy is created or edited. */
export interface PolicyDraft {
  /** null for a new policy; the policy's current name when editing one. */
  readonly original: string | null;
  readonly name: string;
  readonly permissive: boolean;
  readonly command: PolicyCommand;
  readonly roles: readonly string[];
  readonly using: string;
  readonly withCheck: string;
  /** Also turn RLS on (offered when the table has it off, since a policy alone changes nothing then). */
  readonly enableRls: boolean;
}

export function newDraft(roles: readonly string[], rlsEnabled: boolean): PolicyDraft {
  return { original: null, name: '', permissive: true, command: 'SELECT', roles, using: '', withCheck: '', enableRls: !rlsEnabled };
}

export function draftFromPolicy(p: PolicyInfo): PolicyDraft {
  return {
    original: p.name,
    name: p.name,
    permissive: p.permissive,
    command: p.command,
    roles: p.roles,
    using: p.using ?? '',
    withCheck: p.withCheck ?? '',
    enableRls: false,
  };
}

/** Which expressions a command takes (Postgres refuses the others). */
export function expressionsFor(command: PolicyCommand): { using: boolean; withCheck: boolean } {
  return { using: command !== 'INSERT', withCheck: command !== 'SELECT' && command !== 'DELETE' };
}

/** The change the draft stands for, or what is still missing before it can be previewed or applied. */
export function draftToChange(d: PolicyDraft): { kind: 'change'; change: PolicyChangeInput } | { kind: 'incomplete'; reason: string } {
  const name = d.name.trim();
  if (!name) return { kind: 'incomplete', reason: 'Give the policy a name.' };
  if (d.roles.length === 0) return { kind: 'incomplete', reason: 'Pick at least one role (or PUBLIC).' };
  const allowed = expressionsFor(d.command);
  const using = allowed.using && d.using.trim() ? d.using.trim() : null;
  const withCheck = allowed.withCheck && d.withCheck.trim() ? d.withCheck.trim() : null;
  if (using === null && withCheck === null)
    return { kind: 'incomplete', reason: allowed.using ? 'Write the USING expression.' : 'Write the WITH CHECK expression.' };
  const policy = { name, permissive: d.permissive, command: d.command, roles: [...d.roles], using, withCheck };
  return {
    kind: 'change',
    change:
      d.original === null
        ? { kind: 'create', policy, enableRls: d.enableRls }
        : { kind: 'replace', name: d.original, policy, enableRls: d.enableRls },
  };
}

/**
 * Where, in the text of one expression editor, a Postgres error position (1-based, in the CREATE
 * POLICY statement main built) falls; null when it lies outside that clause. `editorText` is the
 * editor's untrimmed text (the statement holds it trimmed).
 */
export function expressionErrorOffset(
  statement: string,
  position: number,
  clause: 'USING' | 'WITH CHECK',
  editorText: string,
): number | null {
  const marker = `\n  ${clause} (`;
  const at = statement.indexOf(marker);
  if (at < 0) return null;
  const start = at + marker.length;
  const offset = position - 1 - start;
  const trimmed = editorText.trim();
  if (offset < 0 || offset > trimmed.length) return null;
  return offset + (editorText.length - editorText.trimStart().length) + 1;
}
