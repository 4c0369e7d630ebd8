/** Accept header → the representations a request may produce (PostgREST's choices). */
import { failWith, succeed as ok, type Outcome } from '../errors/ApiError';
import { mediaTypeUnavailable } from '../errors/pgrstErrors';
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

/**
 * The media types the client accepts that the engine can produce, most preferred first (never
 * empty). Which one is produced is the planner's choice: plans only where they are allowed.
 */
export function negotiateMedia(accept: string | undefined): Outcome<readonly MediaType[]> {
  if (accept === undefined || accept.trim() === '') return JSON_ONLY;
  let known = negotiated.get(accept);
  if (!known) {
    const media = parseAccept(accept).flatMap((offer) => mediaFor(offer) ?? []);
    // None built in: a media type handler in the database may produce one (the planner looks; 406 if none does).
    known =
      media.length > 0
        ? ok(media)
        : parseAccept(accept).length > 0
          ? ok([{ kind: 'unmatched', accept }])
          : failWith(mediaTypeUnavailable(accept));
    // Clients send a handful of Accept values; the memory starts afresh past a bound.
    if (negotiated.size >= 256) negotiated.clear();
    negotiated.set(accept, known);
  }
  return known;
}

const JSON_ONLY: Outcome<readonly MediaType[]> = ok([{ kind: 'json', stripNulls: false }]);
/** Accept values seen, and what they came to (results are never changed by their users). */
const negotiated = new Map<string, Outcome<readonly MediaType[]>>();

/**
 * The accepted media types in preference order, each with the built-in representation it would
 * get (undefined when only a handler in the database could produce it): for the planner, which
 * lets such handlers answer first, as PostgREST does.
 */
export function acceptedTypes(accept: string | undefined): { readonly type: string; readonly builtin: MediaType | undefined }[] {
  if (accept === undefined || accept.trim() === '') return [{ type: '*/*', builtin: { kind: 'json', stripNulls: false } }];
  return parseAccept(accept).map((o) => ({ type: o.type, builtin: mediaFor(o) }));
}
