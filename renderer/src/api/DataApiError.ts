/** A Data API answer with an error status, carrying PostgREST's `{code, message, details, hint}`. */
export class DataApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: string | null;
  readonly hint: string | null;

  constructor(status: number, body: { code?: unknown; message?: unknown; details?: unknown; hint?: unknown }) {
    super(typeof body.message === 'string' ? body.message : `The Data API answered HTTP ${status}.`);
    this.name = 'DataApiError';
    this.status = status;
    this.code = typeof body.code === 'string' ? body.code : `HTTP ${status}`;
    this.details = typeof body.details === 'string' ? body.details : null;
    this.hint = typeof body.hint === 'string' ? body.hint : null;
  }
}
