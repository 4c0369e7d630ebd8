/**
 * The casts a query may ask for (`col::text`). An allow-list: a cast reaches SQL only as one of
 * these fixed spellings, never as the text the client sent.
 */
export const SQL_TYPES = {
  text: 'text',
  varchar: 'varchar',
  char: 'char',
  int: 'integer',
  integer: 'integer',
  int2: 'smallint',
  smallint: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  bigint: 'bigint',
  numeric: 'numeric',
  decimal: 'numeric',
  real: 'real',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  boolean: 'boolean',
  json: 'json',
  jsonb: 'jsonb',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  interval: 'interval',
  uuid: 'uuid',
} as const;

export type SqlType = (typeof SQL_TYPES)[keyof typeof SQL_TYPES];

export function sqlTypeFor(name: string): SqlType | undefined {
  const key = name.toLowerCase();
  return Object.prototype.hasOwnProperty.call(SQL_TYPES, key) ? SQL_TYPES[key as keyof typeof SQL_TYPES] : undefined;
}
