import dagre from '@dagrejs/dagre';
import type { ListRolesOutput, SetupCheck } from '../../../../shared/contract/admin';

/**
 * Who can become whom: an edge from a member to each role it belongs to. A member with INHERIT
 * has the role's privileges at once; with NOINHERIT (as `authenticator` must be) only after
 * SET ROLE, which is how the Data API switches to an identity. Laid out with @dagrejs/dagre, as
 * the ER diagram is (see erLayout.ts for why).
 */

const AUTHENTICATOR = 'authenticator';
const NODE_WIDTH = 210;
const NODE_HEIGHT = 46;

export interface RoleNode {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly authenticator: boolean;
  /** LOGIN, NOINHERIT, SUPERUSER, BYPASSRLS: what changes what a member of it may do. */
  readonly tags: readonly string[];
  /** Failing set-up checks about this role (the set-up assistant's findings). */
  readonly findings: readonly string[];
}

export interface RoleEdge {
  readonly id: string;
  readonly member: string;
  readonly role: string;
  /** The member has the role's privileges without SET ROLE. */
  readonly inherits: boolean;
  readonly admin: boolean;
  /** A role that owns objects or is elevated, granted to authenticator: any token could act as it. */
  readonly risky: boolean;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface RoleLayout {
  readonly nodes: readonly RoleNode[];
  readonly edges: readonly RoleEdge[];
  readonly width: number;
  readonly height: number;
}

/** The role a set-up check is about: `usage:<schema>:<identity>`-style ids name it, the others are about authenticator. */
export function checkRole(check: Pick<SetupCheck, 'id'>): string {
  const parts = check.id.split(':');
  return parts.length >= 3 && ['usage', 'tables', 'sequences'].includes(parts[0]!) ? parts.slice(2).join(':') : AUTHENTICATOR;
}

export function layoutRoles(roles: ListRolesOutput, checks: readonly SetupCheck[]): RoleLayout {
  const byName = new Map(roles.roles.map((r) => [r.name, r]));
  const findings = new Map<string, string[]>();
  for (const c of checks) {
    if (c.ok) continue;
    const role = checkRole(c);
    findings.set(role, [...(findings.get(role) ?? []), c.title]);
  }
  // Roles with a membership either way, authenticator, and any role a finding names.
  const shown = new Set<string>();
  for (const r of roles.roles) {
    if (r.memberOf.length) shown.add(r.name);
    for (const m of r.memberOf) shown.add(m.role);
  }
  if (byName.has(AUTHENTICATOR)) shown.add(AUTHENTICATOR);
  for (const role of findings.keys()) if (byName.has(role)) shown.add(role);

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 80, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const name of shown) g.setNode(name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges: Omit<RoleEdge, 'points'>[] = [];
  for (const r of roles.roles) {
    if (!shown.has(r.name)) continue;
    for (const m of r.memberOf) {
      if (!shown.has(m.role)) continue;
      const target = byName.get(m.role);
      const id = JSON.stringify([r.name, m.role]);
      g.setEdge(r.name, m.role, {}, id);
      edges.push({
        id,
        member: r.name,
        role: m.role,
        inherits: r.attributes.inherit,
        admin: m.admin,
        risky:
          r.name === AUTHENTICATOR &&
          target !== undefined &&
          (target.ownsObjects || target.superuser || target.attributes.bypassrls || target.attributes.createrole),
      });
    }
  }
  dagre.layout(g);
  const nodes = [...shown].map((name): RoleNode => {
    const n = g.node(name);
    const r = byName.get(name);
    const tags = r
      ? [
          ...(r.superuser ? ['SUPERUSER'] : []),
          ...(r.attributes.login ? ['LOGIN'] : []),
          ...(r.attributes.inherit ? [] : ['NOINHERIT']),
          ...(r.attributes.bypassrls ? ['BYPASSRLS'] : []),
          ...(r.ownsObjects ? ['owns objects'] : []),
        ]
      : // Roles Pier's list leaves out: Postgres' predefined ones (pg_read_all_data, …).
        [name.startsWith('pg_') ? 'predefined role' : 'not listed'];
    return {
      name,
      x: n.x - NODE_WIDTH / 2,
      y: n.y - NODE_HEIGHT / 2,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      authenticator: name === AUTHENTICATOR,
      tags,
      findings: findings.get(name) ?? [],
    };
  });
  const label = g.graph();
  return {
    nodes,
    edges: edges.map((e) => ({ ...e, points: g.edge({ v: e.member, w: e.role, name: e.id })?.points ?? [] })),
    width: label.width ?? 0,
    height: label.height ?? 0,
  };
}
