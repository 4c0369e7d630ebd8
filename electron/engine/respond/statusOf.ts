/**
 * Error code → HTTP status, in one place: PostgREST's PGRST codes and its SQLSTATE table
 * (docs.postgrest.org, "Errors"). `authenticated` decides 42501's 401 vs 403, as PostgREST does.
 */
const PGRST_STATUS: Record<string, number> = {
  PGRST000: 503,
  PGRST001: 503,
  PGRST002: 503,
  PGRST003: 504,
  PGRST100: 400,
  PGRST101: 405,
  PGRST102: 400,
  PGRST103: 416,
  PGRST105: 405,
  PGRST106: 406,
  PGRST107: 406,
  PGRST108: 400,
  PGRST111: 500,
  PGRST112: 500,
  PGRST114: 400,
  PGRST115: 400,
  PGRST116: 406,
  PGRST117: 405,
  PGRST118: 400,
  PGRST119: 400,
  PGRST120: 400,
  PGRST121: 500,
  PGRST122: 400,
  PGRST123: 400,
  PGRST124: 400,
  PGRST125: 404,
  PGRST126: 404,
  PGRST127: 400,
  PGRST128: 400,
  PGRST200: 400,
  PGRST201: 300,
  PGRST202: 404,
  PGRST203: 300,
  PGRST204: 400,
  PGRST205: 404,
  PGRST413: 413,
  PGRST300: 500,
  PGRST301: 401,
  PGRST302: 401,
  PGRST303: 401,
};

export function statusOf(code: string, authenticated: boolean, message = ''): number {
  const pgrst = PGRST_STATUS[code];
  if (pgrst !== undefined) return pgrst;
  if (code.startsWith('PGRST')) return 500;
  switch (code) {
    case '23503':
    case '23505':
      return 409;
    case '25006':
      return 405;
    case '53400':
      return 500;
    case 'P0001':
      return 400;
    case '42883':
    case '42P01':
      return 404;
    case '42P17':
      return 500;
    case '42501':
      return authenticated ? 403 : 401;
    case '57P01':
    case '57P02':
    case '57P03':
      return 503;
    case '21000':
      // pg-safeupdate's refusal is the client's fault; any other cardinality error is the server's.
      return message.endsWith('requires a WHERE clause') ? 400 : 500;
    case '22023':
      // The token named a role that does not exist.
      return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
  }
  const prefixes: [string, number][] = [
    ['08', 503],
    ['09', 500],
    ['0L', 403],
    ['0P', 403],
    ['25', 500],
    ['28', 403],
    ['2D', 500],
    ['38', 500],
    ['39', 500],
    ['3B', 500],
    ['40', 500],
    ['53', 503],
    ['54', 500],
    ['55', 500],
    ['57', 500],
    ['58', 500],
    ['F0', 500],
    ['HV', 500],
    ['P0', 500],
    ['XX', 500],
  ];
  for (const [prefix, status] of prefixes) if (code.startsWith(prefix)) return status;
  return 400;
}
