/**
 * Resource id rules (reference §2). The real service documents slightly different rules per id;
 * one DNS-label pattern is what its strictest validator enforces, so client and local server share it.
 */

export type IdField = 'project_id' | 'branch_id' | 'endpoint_id' | 'role_id' | 'database_id';

/** 1–63 chars, lowercase letter first, `[a-z0-9-]`, no trailing hyphen. */
export const ID_PATTERN = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const ID_PATTERN_SOURCE = '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$';

export function isValidId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export type IdCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Checks an id for a new resource. The message has the real server's wording
 * (`Field database_id must match pattern <regex>, got '<value>'.`) so both sides say the same thing.
 */
export function validateId(field: IdField, value: string): IdCheck {
  if (value === '') {
    return { ok: false, message: `Field '${field}' is required, expected non-default value (not "")!` };
  }
  if (!isValidId(value)) {
    return { ok: false, message: `Field ${field} must match pattern ${ID_PATTERN_SOURCE}, got '${value}'.` };
  }
  return { ok: true };
}

/**
 * Turns a free-form label ("My Project 2") into a valid id suggestion ("my-project-2"),
 * or undefined when nothing usable is left.
 */
export function suggestId(label: string): string | undefined {
  let id = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (id === '') return undefined;
  if (!isValidId(id)) id = id.replace(/[^a-z0-9]+$/, '');
  return isValidId(id) ? id : undefined;
}
