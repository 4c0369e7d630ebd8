import type { InputOf } from '../../../../shared/contract/contract';

export interface EndpointForm {
  readonly endpointId: string;
  readonly type: 'READ_WRITE' | 'READ_ONLY';
  readonly minCu: string;
  readonly maxCu: string;
  readonly suspend: 'default' | 'after' | 'never';
  readonly suspendMinutes: string;
}

export type EndpointField = 'endpointId' | 'minCu' | 'maxCu' | 'suspendMinutes';

export const INITIAL_ENDPOINT_FORM: EndpointForm = {
  endpointId: '',
  type: 'READ_ONLY',
  minCu: '',
  maxCu: '',
  suspend: 'default',
  suspendMinutes: '5',
};

const ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A CU limit: 0.5 or a whole number up to 112 (the server enforces its current ranges). */
function cu(text: string): number | 'invalid' | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && (n === 0.5 || (Number.isInteger(n) && n >= 1 && n <= 112)) ? n : 'invalid';
}

/** Form → 'cloud.createEndpoint' input, or a message per wrong field. Empty limits = the project's defaults. */
export function checkEndpointForm(
  form: EndpointForm,
  target: { workspaceId: string; branch: string },
): { ok: true; input: InputOf<'cloud.createEndpoint'> } | { ok: false; errors: Partial<Record<EndpointField, string>> } {
  const errors: Partial<Record<EndpointField, string>> = {};
  const endpointId = form.endpointId.trim();
  if (!ID.test(endpointId)) errors.endpointId = 'Use 1–63 lowercase letters, digits and hyphens, starting with a letter.';
  const minCu = cu(form.minCu);
  const maxCu = cu(form.maxCu);
  if (minCu === 'invalid') errors.minCu = 'Use 0.5 or a whole number of CU.';
  if (maxCu === 'invalid') errors.maxCu = 'Use 0.5 or a whole number of CU.';
  if (typeof minCu === 'number' && typeof maxCu === 'number' && minCu > maxCu) errors.minCu = 'The minimum must not exceed the maximum.';
  let suspension: { suspendTimeoutSeconds: number } | { noSuspension: true } | object = {};
  if (form.suspend === 'never') suspension = { noSuspension: true };
  else if (form.suspend === 'after') {
    const minutes = Number(form.suspendMinutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080)
      errors.suspendMinutes = 'Between 1 minute and 7 days (10080 minutes).';
    else suspension = { suspendTimeoutSeconds: minutes * 60 };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      ...target,
      endpointId,
      type: form.type,
      ...(typeof minCu === 'number' ? { minCu } : {}),
      ...(typeof maxCu === 'number' ? { maxCu } : {}),
      ...suspension,
    },
  };
}
