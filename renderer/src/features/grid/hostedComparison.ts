import type { DataApiRequestOutput } from '../../../../shared/contract/dataApi';
import { totalFromContentRange } from '../../api/dataApi';

/** Response headers worth showing side by side (the rest vary by server, e.g. timing). */
export const HEADERS_THAT_MATTER = ['content-type', 'content-range', 'preference-applied', 'location'] as const;

/** What one side answered, read for comparison. */
export interface AnswerSummary {
  readonly status: number;
  /** Rows in a JSON array body; null for anything else (an error, a singular object). */
  readonly rows: number | null;
  /** The total after the slash of Content-Range, when counted. */
  readonly total: number | null;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The PostgREST error body, for statuses ≥ 400. */
  readonly error: { readonly code: string; readonly message: string; readonly hint: string | null } | null;
  /** The body, pretty-printed when it is JSON. */
  readonly pretty: string;
}

export function summarizeAnswer(answer: Pick<DataApiRequestOutput, 'status' | 'headers' | 'body'>): AnswerSummary {
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const json = parseJson(answer.body);
  const value = json.ok ? json.value : undefined;
  const error =
    answer.status >= 400
      ? isRecord(value)
        ? {
            code: String(value.code ?? answer.status),
            message: String(value.message ?? answer.body),
            hint: typeof value.hint === 'string' ? value.hint : null,
          }
        : { code: String(answer.status), message: answer.body || `HTTP ${answer.status}`, hint: null }
      : null;
  return {
    status: answer.status,
    rows: answer.status < 400 && Array.isArray(value) ? value.length : null,
    total: totalFromContentRange(headers['content-range']),
    headers: HEADERS_THAT_MATTER.flatMap((h) => (headers[h] !== undefined ? [[h, headers[h]] as const] : [])),
    error,
    pretty: json.ok ? JSON.stringify(value, null, 2) : answer.body,
  };
}

export type Verdict =
  { readonly kind: 'same'; readonly message: string } | { readonly kind: 'differ'; readonly differences: readonly string[] };

/** Whether Pier's engine and the hosted Data API answered alike, and if not, how they differ. */
export function compareAnswers(
  pier: Pick<DataApiRequestOutput, 'status' | 'headers' | 'body'>,
  hosted: Pick<DataApiRequestOutput, 'status' | 'headers' | 'body'>,
): Verdict {
  const a = summarizeAnswer(pier);
  const b = summarizeAnswer(hosted);
  const differences: string[] = [];
  if (a.status !== b.status) differences.push(`Status: Pier ${a.status}, hosted ${b.status}.`);
  if (a.rows !== null && b.rows !== null && a.rows !== b.rows) differences.push(`Rows: Pier ${a.rows}, hosted ${b.rows}.`);
  if (a.total !== null && b.total !== null && a.total !== b.total) differences.push(`Total count: Pier ${a.total}, hosted ${b.total}.`);
  if (a.error && b.error && a.error.code !== b.error.code) differences.push(`Error code: Pier ${a.error.code}, hosted ${b.error.code}.`);
  // Errors compare by code: their wording differs between versions of the same server.
  if (differences.length === 0 && !(a.error && b.error) && canonical(pier.body) !== canonical(hosted.body)) {
    differences.push(a.rows !== null ? 'Same number of rows, but their values differ.' : 'The bodies differ.');
  }
  if (differences.length > 0) return { kind: 'differ', differences };
  const what = a.error
    ? `the same error (${a.error.code})`
    : a.rows !== null
      ? `the same ${a.rows} row${a.rows === 1 ? '' : 's'}`
      : 'the same body';
  return { kind: 'same', message: `Both answered ${a.status} with ${what}.` };
}

/** JSON compared by value (key order and whitespace aside); anything else as text. */
function canonical(body: string): string {
  const json = parseJson(body);
  return json.ok ? JSON.stringify(sortKeys(json.value)) : body;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k])]),
  );
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (!text) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Why the hosted Data API could not be asked, in words that say what to do: the call itself
 * failed (no Data API on the database, the workspace refused the token) rather than answering.
 */
export function explainHostedFailure(
  error: { code: string; message: string; hint?: string | null },
  database: string,
): { message: string; hint: string } {
  if (error.code === 'CLOUD_NOT_FOUND') {
    return {
      message: `The Data API is not enabled on ${database}, so there is no hosted Data API to ask.`,
      hint: `Enable it in the explorer: right-click the database ${database} → Data API… → Enable, then send again.`,
    };
  }
  if (['CLOUD_UNAUTHENTICATED', 'CLOUD_SIGN_IN_REQUIRED', 'CLOUD_AUTH_FAILED', 'CLOUD_PERMISSION_DENIED'].includes(error.code)) {
    return {
      message: error.message,
      hint: error.hint ?? 'Sign in to the workspace again (or replace its token) from its menu in the explorer.',
    };
  }
  return { message: error.message, hint: error.hint ?? 'Check the network and that the branch’s endpoint is running, then send again.' };
}

/** A hosted answer that refuses the request (401/403/404 from the gateway) gets a word on why. */
export function hostedRefusalHint(hosted: AnswerSummary): string | null {
  if (hosted.status === 401) return 'The hosted Data API did not accept the workspace’s token. Sign in to the workspace again.';
  const setRole =
    hosted.status === 403 && hosted.error?.code === '42501' ? /^permission denied to set role "(.+)"$/.exec(hosted.error.message) : null;
  if (setRole) {
    // Pier logs in as the identity itself; the hosted API switches to it from `authenticator`.
    const grant = `GRANT "${setRole[1]}" TO authenticator`;
    return `The hosted Data API runs as your identity through its authenticator role, and your identity is not granted to authenticator. An owner of the branch can run ${grant}; then send again.`;
  }
  if (hosted.status === 403 && hosted.error?.code === '42501')
    return 'Your identity lacks a grant the hosted Data API needs on this table (see Grants).';
  if (hosted.status === 404 && hosted.error?.code === 'PGRST106')
    return 'The hosted Data API does not expose this schema: add it to the exposed schemas in the database’s Data API… dialog.';
  return null;
}
