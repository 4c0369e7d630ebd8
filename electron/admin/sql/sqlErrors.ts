/** What the editor shows of a Postgres error; `offset` maps a statement's positions into the whole script. */
export interface SqlErrorFields {
  readonly code: string | null;
  readonly message: string;
  readonly detail: string | null;
  readonly hint: string | null;
  readonly position: number | null;
  readonly cancelled: boolean;
}

/** A Postgres error (it has a SQLSTATE `code`), as opposed to a lost connection or a bug. */
export function isPostgresError(
  err: unknown,
): err is { code: string; message?: string; detail?: string; hint?: string; position?: string } {
  return typeof (err as { code?: unknown } | null)?.code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code);
}

export function toSqlError(err: unknown, offset: number, cancelled: boolean): SqlErrorFields {
  const e = (err ?? {}) as { code?: string; message?: string; detail?: string; hint?: string; position?: string };
  return {
    code: e.code ?? null,
    message: e.message ?? 'PostgreSQL reported an error.',
    detail: e.detail ?? null,
    hint: e.hint ?? null,
    position: e.position ? Number(e.position) + offset : null,
    cancelled: cancelled && e.code === '57014',
  };
}

/** Every value stays Postgres' own text rendering (as psql shows it), with no JS date or number conversion. */
export const TEXT_TYPES = { getTypeParser: () => (value: string) => value };
