import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { rolesQuery, setupChecksQuery, useAdminLocation } from '../../api/admin';
import { usePierApi } from '../../api/PierApiContext';
import { layoutRoles, type RoleEdge, type RoleNode } from './roleGraph';
import './roleDiagram.css';

/**
 * Who can become whom on this branch: memberships as arrows (solid: inherits the role's
 * privileges; dashed: only by SET ROLE, as NOINHERIT authenticator becomes an identity), the
 * set-up assistant's findings marked on their role, and an owner granted to authenticator in red.
 */
export function RoleDiagram() {
  const api = usePierApi();
  const at = useAdminLocation();
  const roles = useQuery(rolesQuery(api, at));
  const checks = useQuery(setupChecksQuery(api, at));
  const layout = useMemo(() => (roles.data ? layoutRoles(roles.data, checks.data?.checks ?? []) : null), [roles.data, checks.data]);
  return (
    <details className="role-diagram">
      <summary>Who can become whom</summary>
      {!layout ? (
        <p className="role-diagram__meta">Reading the roles…</p>
      ) : layout.nodes.length === 0 ? (
        <p className="role-diagram__meta">No role is a member of another on this branch.</p>
      ) : (
        <>
          <p className="role-diagram__meta">
            An arrow goes from a member to the role it may become. Solid: it has the role’s privileges at once (INHERIT); dashed: only after
            SET ROLE (NOINHERIT), which is how the Data API’s <code>authenticator</code> becomes an identity. Red: a finding of the set-up
            assistant, or a role that owns objects granted to authenticator.
          </p>
          <svg
            className="role-diagram__svg"
            role="group"
            aria-label="Role memberships"
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            style={{ maxWidth: `${layout.width}px` }}
          >
            <defs>
              <marker id="role-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className="role-diagram__arrow" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <Membership key={e.id} edge={e} />
            ))}
            {layout.nodes.map((n) => (
              <Role key={n.name} node={n} />
            ))}
          </svg>
        </>
      )}
    </details>
  );
}

function Membership({ edge }: { edge: RoleEdge }) {
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const how = edge.inherits ? 'inherits' : 'SET ROLE only';
  return (
    <g
      className={`role-edge${edge.inherits ? '' : ' role-edge--set-role'}${edge.risky ? ' role-edge--risky' : ''}`}
      aria-label={`${edge.member} → ${edge.role}: ${how}${edge.admin ? ', with ADMIN OPTION' : ''}${edge.risky ? ', owns objects: any token could act as it' : ''}`}
    >
      <title>{`${edge.member} is a member of ${edge.role} (${how}${edge.admin ? ', WITH ADMIN OPTION' : ''})`}</title>
      <path d={d} markerEnd="url(#role-arrow)" />
    </g>
  );
}

function Role({ node }: { node: RoleNode }) {
  const flagged = node.findings.length > 0;
  return (
    <g
      className={`role-node${node.authenticator ? ' role-node--authenticator' : ''}${flagged ? ' role-node--finding' : ''}`}
      transform={`translate(${node.x} ${node.y})`}
      aria-label={`${node.name}${node.tags.length ? `: ${node.tags.join(' ')}` : ''}${flagged ? `; ${node.findings.length} finding${node.findings.length === 1 ? '' : 's'}` : ''}`}
    >
      <title>{[node.name, ...node.tags, ...node.findings.map((f) => `✗ ${f}`)].join('\n')}</title>
      <rect width={node.width} height={node.height} rx={6} />
      <text className="role-node__name" x={10} y={19}>
        {shorten(node.name, flagged ? 21 : 26)}
      </text>
      <text className="role-node__tags" x={10} y={36}>
        {node.tags.join(' · ') || 'INHERIT'}
      </text>
      {flagged && (
        <text className="role-node__finding" x={node.width - 10} y={19} textAnchor="end">
          ✗ {node.findings.length}
        </text>
      )}
    </g>
  );
}

function shorten(name: string, max: number): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}
