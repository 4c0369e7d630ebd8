/** Accept header → the one representation a read will produce (PostgREST's choices). */
import { fail, ok, type Result } from '../../../shared/contract/result';
import { PLAN_OPTIONS, type MediaType, type PlanOption } from './ApiRequest';

interface Offer {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

function parseAccept(accept: string): Offer[] {
  return accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params = new Map(
        rest.map((p) => {
          const eq = p.indexOf('=');
          return [
            p
              .slice(0, eq < 0 ? p.length : eq)
              .trim()
              .toLowerCase(),
            eq < 0
              ? ''
              : p
                  .slice(eq + 1)
                  .trim()
                  .replace(/^"|"$/g, ''),
          ] as const;
        }),
      );
      const q = Number(params.get('q') ?? '1');
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((o) => o.type !== '' && o.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

function mediaFor(offer: Offer): MediaType | undefined {
  const stripNulls = offer.params.get('nulls') === 'stripped';
  switch (offer.type) {
    case 'application/json':
    case 'application/openapi+json':
    case 'application/*':
    case '*/*':
      return { kind: 'json', stripNulls: false };
    case 'application/vnd.pgrst.array+json':
    case 'application/vnd.pgrst.array':
      return { kind: 'json', stripNulls };
    case 'application/vnd.pgrst.object+json':
    case 'application/vnd.pgrst.object':
      return { kind: 'object', stripNulls };
    case 'text/csv':
    case 'text/*':
      return { kind: 'csv' };
    case 'application/vnd.pgrst.plan':
    case 'application/vnd.pgrst.plan+text':
    case 'application/vnd.pgrst.plan+json': {
      const options = (offer.params.get('options') ?? '')
        .split('|')
        .filter((o): o is PlanOption => (PLAN_OPTIONS as readonly string[]).includes(o));
      return { kind: 'plan', format: offer.type.endsWith('+json') ? 'json' : 'text', options };
    }
    default:
      return undefined;
  }
}

export function negotiateMedia(accept: string | undefined): Result<MediaType> {
  if (accept === undefined || accept.trim() === '') return ok({ kind: 'json', stripNulls: false });
  for (const offer of parseAccept(accept)) {
    const m = mediaFor(offer);
    if (m) return ok(m);
  }
  // A handler in the database may produce it (the planner looks; PGRST107 if none does).
  if (parseAccept(accept).length > 0) return ok({ kind: 'unmatched', accept });
  return fail({
    code: 'PGRST107',
    message: `None of these media types are available: ${accept}`,
    details: null,
    hint: null,
  });
}

/**
 * The accepted media types in preference order, each with the built-in representation it would
 * get (undefined when only a handler in the database could produce it): for the planner, which
 * lets such handlers answer first, as PostgREST does.
 */
export function acceptedTypes(accept: string | undefined): { readonly type: string; readonly builtin: MediaType | undefined }[] {
  if (accept === undefined || accept.trim() === '') return [{ type: '*/*', builtin: { kind: 'json', stripNulls: false } }];
  return parseAccept(accept).map((o) => ({ type: o.type, builtin: mediaFor(o) }));
}
