import { assertNever } from '../../../../shared/contract/result';
import { describeError } from '../../api/RpcCallError';
import type { IconName } from '../../ui/Icon';
import { relationKindLabel } from '../tables/relation';
import { formatExpiry, formatRowEstimate, formatSize } from './treeFormat';
import { childrenOf, type ExplorerNode } from './treeModel';

export interface Badge {
  readonly text: string;
  readonly tone: 'plain' | 'accent' | 'warning' | 'muted' | 'ok';
  readonly icon?: IconName;
}

export interface RowMeta {
  readonly badges: readonly Badge[];
  readonly title: string | undefined;
  /** The badges' facts as text, for screen readers. */
  readonly description: string | undefined;
}

/** Badges beside a row, its tooltip, and the same facts as text for screen readers. */
export function rowMeta(node: ExplorerNode, now: number): RowMeta {
  switch (node.kind) {
    case 'workspace': {
      const ws = node.workspace;
      return {
        badges: ws.kind === 'local' ? [] : [{ text: ws.authMethod.toUpperCase(), tone: 'muted' }],
        title: ws.kind === 'local' ? 'Postgres on this machine' : `${ws.host} · ${ws.authLabel}`,
        description: ws.kind === 'local' ? 'local' : `${ws.host}, ${ws.authLabel}`,
      };
    }
    case 'project': {
      const p = node.project;
      const facts = [p.pgVersion ? `Postgres ${p.pgVersion}` : null, p.owner ? `owner ${p.owner}` : null].filter((f) => f !== null);
      return {
        badges: p.pgVersion ? [{ text: `PG ${p.pgVersion}`, tone: 'muted' }] : [],
        title: [`Project ${p.name}`, ...facts].join(' · '),
        description: facts.join(', ') || undefined,
      };
    }
    case 'branch': {
      const b = node.branch;
      const badges: Badge[] = [];
      if (b.isDefault) badges.push({ text: 'default', tone: 'accent' });
      if (b.isProtected) badges.push({ text: 'protected', tone: 'warning', icon: 'shield' });
      if (b.state !== 'READY') badges.push({ text: b.state.toLowerCase(), tone: 'muted' });
      const expiry = b.expireTime ? formatExpiry(b.expireTime, now) : null;
      // The clock says "expires"; the badge keeps only the time so the name keeps its room.
      if (expiry)
        badges.push({ text: expiry.replace(/^expires in /, ''), tone: expiry === 'expired' ? 'warning' : 'muted', icon: 'clock' });
      const size = b.logicalSizeBytes !== undefined ? formatSize(b.logicalSizeBytes) : null;
      if (size) badges.push({ text: size, tone: 'plain' });
      const facts = [
        b.isDefault ? 'default' : null,
        b.isProtected ? 'protected' : null,
        `state ${b.state}`,
        size ? `size ${size}` : null,
        expiry,
        b.sourceBranch ? `from ${b.sourceBranch.split('/').at(-1)}` : null,
      ].filter((f) => f !== null);
      return { badges, title: [b.name, ...facts].join(' · '), description: facts.join(', ') };
    }
    case 'endpoint': {
      const e = node.endpoint;
      const type = e.type === 'ENDPOINT_TYPE_READ_WRITE' ? 'read-write' : e.type === 'ENDPOINT_TYPE_READ_ONLY' ? 'read-only' : e.type;
      const cu = e.minCu !== undefined ? `${e.minCu}–${e.maxCu ?? e.minCu} CU` : null;
      const facts = [type, e.state.toLowerCase(), e.host ?? null, cu].filter((f) => f !== null);
      return {
        badges: [
          { text: e.type === 'ENDPOINT_TYPE_READ_WRITE' ? 'RW' : e.type === 'ENDPOINT_TYPE_READ_ONLY' ? 'RO' : '?', tone: 'plain' },
          { text: e.state.toLowerCase(), tone: e.state === 'ACTIVE' ? 'ok' : 'muted' },
        ],
        title: [`Endpoint ${e.id}`, ...facts].join(' · '),
        description: facts.join(', '),
      };
    }
    case 'database': {
      const n = childrenOf(node).length;
      return { badges: [], title: `Database ${node.label} · ${n} schema${n === 1 ? '' : 's'}`, description: undefined };
    }
    case 'schema': {
      const n = childrenOf(node).length;
      return {
        badges: [{ text: String(n), tone: 'plain' }],
        title: `Schema ${node.label} · ${n} relation${n === 1 ? '' : 's'}`,
        description: `${n} relations`,
      };
    }
    case 'relation': {
      const { schema, name, kind, estimatedRows } = node.relation;
      const estimate = formatRowEstimate(estimatedRows);
      const rowsText = estimate === null ? 'row count not estimated yet' : `≈ ${estimatedRows.toLocaleString()} rows (planner estimate)`;
      return {
        badges: estimate === null ? [] : [{ text: estimate, tone: 'plain' }],
        title: `${schema}.${name} · ${relationKindLabel(kind)} · ${rowsText}`,
        description: undefined,
      };
    }
    case 'routine': {
      const r = node.routine;
      const signature = `${r.schema}.${r.name}(${r.arguments})${r.returns ? ` → ${r.returns}` : ''}`;
      return { badges: [], title: `${r.kind} ${signature}`, description: signature };
    }
    case 'status': {
      if (node.tone !== 'error') return { badges: [], title: undefined, description: undefined };
      const { code, message, hint } = describeError(node.error);
      const text = [message, hint, code].filter(Boolean).join(' · ');
      return { badges: [], title: `${text} — click to retry`, description: text };
    }
    default:
      return assertNever(node, 'explorer node');
  }
}
