/** A branch as the picker needs it (the management API's branch summary). */
export interface BranchChoice {
  readonly name: string;
  readonly sourceBranch?: string | undefined;
  readonly isDefault: boolean;
}

/**
 * The branch a comparison starts with: the table's branch's parent (what a branch is usually
 * compared with), else the project's default branch, else any other branch; the table's own
 * branch only when there is no other (then another database of it may be picked).
 */
export function defaultOtherBranch(branches: readonly BranchChoice[], current: string): string {
  const here = branches.find((b) => b.name === current);
  const others = branches.filter((b) => b.name !== current);
  const parent = here?.sourceBranch && others.find((b) => b.name === here.sourceBranch);
  return (parent || others.find((b) => b.isDefault) || others[0])?.name ?? current;
}

/** The database a comparison starts with on the other branch: the same name if it has one, else its first. */
export function defaultOtherDatabase(databases: readonly string[], current: string, sameBranch: boolean): string | undefined {
  if (!sameBranch && databases.includes(current)) return current;
  return databases.find((d) => d !== current) ?? databases[0];
}
