import type { DataApiSettingsInput } from '../../../../shared/management/workspaceSchemas';

/** The Data API settings as the dialog edits them: lists as comma-separated text. */
export interface DataApiForm {
  readonly dbSchemas: string;
  readonly extraSearchPath: string;
  readonly maxRows: string;
  readonly aggregatesEnabled: boolean;
  readonly corsOrigins: string;
  readonly jwtRoleClaimKey: string;
  readonly openApiMode: string;
  readonly serverTimingEnabled: boolean;
}

export type DataApiField = 'dbSchemas' | 'extraSearchPath' | 'maxRows' | 'corsOrigins' | 'jwtRoleClaimKey';

export interface DataApiSettingsView {
  readonly dbSchemas?: readonly string[] | undefined;
  readonly extraSearchPath?: readonly string[] | undefined;
  readonly maxRows?: number | undefined;
  readonly aggregatesEnabled?: boolean | undefined;
  readonly corsOrigins?: readonly string[] | undefined;
  readonly jwtRoleClaimKey?: string | undefined;
  readonly openApiMode?: string | undefined;
  readonly serverTimingEnabled?: boolean | undefined;
}

export function dataApiFormFrom(settings: DataApiSettingsView): DataApiForm {
  return {
    dbSchemas: (settings.dbSchemas ?? ['public']).join(', '),
    extraSearchPath: (settings.extraSearchPath ?? []).join(', '),
    maxRows: settings.maxRows === undefined ? '' : String(settings.maxRows),
    aggregatesEnabled: settings.aggregatesEnabled ?? false,
    corsOrigins: (settings.corsOrigins ?? []).join(', '),
    jwtRoleClaimKey: settings.jwtRoleClaimKey ?? '',
    openApiMode: settings.openApiMode ?? '',
    serverTimingEnabled: settings.serverTimingEnabled ?? false,
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The settings that differ from `original` (all of them when enabling), or what is wrong.
 * Unchanged fields are left out so an update touches only what the user edited.
 */
export function dataApiChanges(
  form: DataApiForm,
  original: DataApiForm | null,
): { ok: true; settings: DataApiSettingsInput } | { ok: false; errors: Partial<Record<DataApiField, string>> } {
  const errors: Partial<Record<DataApiField, string>> = {};
  const changed = <K extends keyof DataApiForm>(key: K) => original === null || form[key] !== original[key];
  const settings: { -readonly [K in keyof DataApiSettingsInput]: DataApiSettingsInput[K] } = {};
  const schemas = list(form.dbSchemas);
  if (schemas.length === 0) errors.dbSchemas = 'Expose at least one schema (usually public).';
  else if (changed('dbSchemas')) settings.dbSchemas = schemas;
  if (changed('extraSearchPath')) settings.extraSearchPath = list(form.extraSearchPath);
  if (changed('maxRows') && form.maxRows.trim() !== '') {
    const n = Number(form.maxRows);
    if (!Number.isInteger(n) || n < 0) errors.maxRows = 'A whole number of rows, or empty for no limit.';
    else settings.maxRows = n;
  }
  if (changed('aggregatesEnabled')) settings.aggregatesEnabled = form.aggregatesEnabled;
  if (changed('corsOrigins')) settings.corsOrigins = list(form.corsOrigins);
  const claim = form.jwtRoleClaimKey.trim();
  if (changed('jwtRoleClaimKey') && claim) {
    if (!claim.startsWith('.') || claim.length < 2) errors.jwtRoleClaimKey = 'Start the claim path with “.”, like .sub';
    else settings.jwtRoleClaimKey = claim;
  }
  if (changed('openApiMode') && (form.openApiMode === 'OPEN_API_MODE_DISABLED' || form.openApiMode === 'OPEN_API_MODE_IGNORE_PRIVILEGES'))
    settings.openApiMode = form.openApiMode;
  if (changed('serverTimingEnabled')) settings.serverTimingEnabled = form.serverTimingEnabled;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings };
}
