/**
 * Reads an error response leniently (reference §4.7): the current `{error_code, message, details}`,
 * legacy `{"error": "..."}`, SCIM `{detail, scimType, status}`, plain text `CODE: message`, HTML.
 * `error_code` may be a number; missing → `UNKNOWN`.
 */

export interface ParsedApiError {
  readonly errorCode: string;
  readonly message: string;
  /** Seconds from a `google.rpc.RetryInfo` detail, if any. */
  readonly retryDelaySeconds?: number;
  /** The body was an HTML page: usually a proxy, a login page or not a workspace at all. */
  readonly html: boolean;
  /** From a `google.rpc.ErrorInfo` detail: its `reason` (e.g. `RESOURCE_CONFLICT`). */
  readonly reason?: string;
  /** From the same detail's `metadata.declarative_context` (e.g. `MANAGED_BY_PARENT`). */
  readonly declarativeContext?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function retryDelayOf(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (isRecord(d) && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo')) {
      const delay = d.retry_delay;
      const secs = typeof delay === 'string' ? parseDurationSeconds(delay) : undefined;
      if (secs !== undefined) return secs;
    }
  }
  return undefined;
}

/** The first `google.rpc.ErrorInfo` detail's reason and declarative context: why a refusal happened. */
function errorInfoOf(details: unknown): { reason?: string; declarativeContext?: string } {
  if (!Array.isArray(details)) return {};
  for (const d of details) {
    if (isRecord(d) && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.ErrorInfo')) {
      const context = isRecord(d.metadata) ? d.metadata.declarative_context : undefined;
      return {
        ...(typeof d.reason === 'string' && d.reason !== '' ? { reason: d.reason } : {}),
        ...(typeof context === 'string' && context !== '' ? { declarativeContext: context } : {}),
      };
    }
  }
  return {};
}

/** `"300s"` / `"1.5s"` → seconds; anything else → undefined. */
export function parseDurationSeconds(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export function parseApiError(status: number, bodyText: string, contentType: string | null): ParsedApiError {
  const text = bodyText.trim();
  const html = (contentType ?? '').includes('text/html') || /^<(!doctype|html)/i.test(text);
  if (html) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return { errorCode: 'UNKNOWN', message: title ? `HTML page "${title}"` : 'an HTML page', html: true };
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (isRecord(json)) {
    const code = json.error_code ?? json.errorCode;
    const message = json.message ?? json.error ?? json.detail ?? json.error_description;
    const scimStatus = json.scimType !== undefined || json.detail !== undefined ? json.status : undefined;
    const errorCode =
      typeof code === 'string' && code !== ''
        ? code
        : typeof code === 'number'
          ? String(code)
          : typeof json.error === 'string' && typeof json.error_description === 'string'
            ? json.error // OAuth error body
            : scimStatus !== undefined
              ? `SCIM_${String(scimStatus)}`
              : 'UNKNOWN';
    const retryDelaySeconds = retryDelayOf(json.details);
    return {
      errorCode,
      message: typeof message === 'string' ? message : text,
      html: false,
      ...(retryDelaySeconds === undefined ? {} : { retryDelaySeconds }),
      ...errorInfoOf(json.details),
    };
  }
  const plain = /^([A-Z][A-Z0-9_]+): (.*)$/s.exec(text);
  if (plain?.[1] !== undefined && plain[2] !== undefined) return { errorCode: plain[1], message: plain[2], html: false };
  return { errorCode: 'UNKNOWN', message: text === '' ? `HTTP ${status}` : text.slice(0, 500), html: false };
}
