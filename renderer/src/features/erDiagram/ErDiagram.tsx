import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import type { Location } from '../../../../shared/contract/location';
import { schemaGraphQuery } from '../../api/catalog';
import { usePierApi } from '../../api/PierApiContext';
import { EmptyState, ErrorPanel } from '../../ui/ErrorPanel';
import type { RelationInfo } from '../tables/relation';
import { HEADER_HEIGHT, layoutSchemaGraph, ROW_HEIGHT, type ErColumn, type ErEdge, type ErLayout, type ErNode } from './erLayout';
import './erDiagram.css';

interface View {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}
const MIN_ZOOM = 0.2;
const MAX_ZOOM = 3;
const clampZoom = (k: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** A schema's tables with their keys and its foreign keys as edges; drag to pan, wheel to zoom, click a table to open it. */
export function ErDiagram({ at, schema, onOpenTable }: { at: Location; schema: string; onOpenTable: (relation: RelationInfo) => void }) {
  const api = usePierApi();
  const graph = useQuery(schemaGraphQuery(api, at, schema));
  const layout = useMemo(() => (graph.data ? layoutSchemaGraph(graph.data) : null), [graph.data]);
  if (graph.isPending) return <p className="er-diagram__meta er-diagram__pad">Reading the catalog…</p>;
  if (graph.isError)
    return <ErrorPanel title={`Couldn’t read schema ${schema}`} error={graph.error} onRetry={() => void graph.refetch()} />;
  if (!graph.data.exists) return <EmptyState icon="error" title={`There is no schema ${schema} in this database.`} />;
  if (!layout || layout.nodes.length === 0) {
    return <EmptyState icon="table" title={`Schema ${schema} has no tables yet.`} />;
  }
  return <Diagram layout={layout} schema={schema} onOpenTable={onOpenTable} />;
}

function Diagram({ layout, schema, onOpenTable }: { layout: ErLayout; schema: string; onOpenTable: (relation: RelationInfo) => void }) {
  const host = useRef<HTMLDivElement | null>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const [selected, setSelected] = useState<string | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | null>(null);

  const fit = () => {
    const el = host.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const k = clampZoom(Math.min(1, (width - 24) / layout.width, (height - 24) / layout.height));
    setView({ k, x: (width - layout.width * k) / 2, y: Math.max(12, (height - layout.height * k) / 2) });
  };
  // Fit once the box has its size, and again when the schema's layout changes.
  useEffect(fit, [layout]);

  const zoomAt = (factor: number, cx: number, cy: number) =>
    setView((v) => {
      const k = clampZoom(v.k * factor);
      // Keep the point under the cursor where it is.
      return { k, x: cx - ((cx - v.x) * k) / v.k, y: cy - ((cy - v.y) * k) / v.k };
    });
  const zoomCentre = (factor: number) => {
    const r = host.current?.getBoundingClientRect();
    if (r) zoomAt(factor, r.width / 2, r.height / 2);
  };
  const onWheel = (e: WheelEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) e.currentTarget.setPointerCapture(e.pointerId);
    d.moved = true;
    d.x = e.clientX;
    d.y = e.clientY;
    setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
  };
  const onPointerUp = () => {
    // A drag that moved is a pan; the click that follows it must not open a table.
    setTimeout(() => (drag.current = null), 0);
  };
  const open = (n: ErNode) => {
    if (drag.current?.moved) return;
    onOpenTable({ schema: n.schema, name: n.table, kind: n.kind, estimatedRows: n.estimatedRows });
  };
  const related = useMemo(() => {
    if (!selected) return null;
    const ids = new Set([selected]);
    for (const e of layout.edges) if (e.from === selected || e.to === selected) ids.add(e.from).add(e.to);
    return ids;
  }, [selected, layout]);

  return (
    <div className="er-diagram">
      <div className="er-diagram__toolbar" role="toolbar" aria-label="ER diagram">
        <span className="er-diagram__meta">
          {schema} · {layout.nodes.filter((n) => !n.external).length} tables · {layout.edges.length} foreign keys · click a table to open it
        </span>
        <button type="button" className="button button--small" onClick={() => zoomCentre(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="button button--small" onClick={() => zoomCentre(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" className="button button--small" onClick={fit}>
          Fit
        </button>
        <span className="er-diagram__meta" aria-label="Zoom">
          {Math.round(view.k * 100)}%
        </span>
      </div>
      <div
        ref={host}
        className="er-diagram__canvas"
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <svg className="er-diagram__svg" role="group" aria-label={`ER diagram of ${schema}`}>
          <defs>
            <marker id="er-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="er-diagram__arrow" />
            </marker>
          </defs>
          <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
            {layout.edges.map((e) => (
              <Edge
                key={e.id}
                edge={e}
                dim={related !== null && !(related.has(e.from) && related.has(e.to) && (e.from === selected || e.to === selected))}
              />
            ))}
            {layout.nodes.map((n) => (
              <Table
                key={n.id}
                node={n}
                dim={related !== null && !related.has(n.id)}
                onOpen={() => open(n)}
                onHover={(on) => setSelected(on ? n.id : null)}
              />
            ))}
          </g>
        </svg>
      </div>
    </div>
  );
}

function Edge({ edge, dim }: { edge: ErEdge; dim: boolean }) {
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return (
    <g className={`er-edge${dim ? ' er-edge--dim' : ''}`} aria-label={`${edge.name}: ${edge.label}`}>
      <title>{`${edge.name}: ${edge.label} (ON DELETE ${edge.onDelete})`}</title>
      <path d={d} className="er-edge__line" markerEnd="url(#er-arrow)" />
    </g>
  );
}

const KEY_MARK: Record<NonNullable<ErColumn['key']>, string> = { pk: 'PK', fk: 'FK', 'pk+fk': 'PK', unique: 'U' };

function Table({ node, dim, onOpen, onHover }: { node: ErNode; dim: boolean; onOpen: () => void; onHover: (on: boolean) => void }) {
  const name = node.external ? `${node.schema}.${node.table}` : node.table;
  // The box is a group named after the table; only its header is the button, so the button's
  // name ("Open table x") holds all the text it shows (axe: label-content-name-mismatch). A click
  // anywhere on the box still opens the table.
  return (
    <g
      className={`er-table${node.external ? ' er-table--external' : ''}${dim ? ' er-table--dim' : ''}`}
      transform={`translate(${node.x} ${node.y})`}
      role="group"
      aria-label={`${node.kind === 'table' ? 'Table' : node.kind.replace('_', ' ')} ${name}`}
      onClick={onOpen}
      onPointerEnter={() => onHover(true)}
      onPointerLeave={() => onHover(false)}
    >
      <rect className="er-table__box" width={node.width} height={node.height} rx={6} />
      <g
        className="er-table__button"
        role="button"
        tabIndex={0}
        aria-label={`Open table ${name}`}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onOpen();
          }
        }}
        onFocus={() => onHover(true)}
        onBlur={() => onHover(false)}
      >
        <path
          className="er-table__header"
          d={`M0,6 a6,6 0 0 1 6,-6 h${node.width - 12} a6,6 0 0 1 6,6 v${HEADER_HEIGHT - 6} h${-node.width} z`}
        />
        <text className="er-table__name" x={10} y={19}>
          {name}
        </text>
      </g>
      {node.kind !== 'table' && (
        <text className="er-table__kind" x={node.width - 10} y={19} textAnchor="end">
          {node.kind.replace('_', ' ')}
        </text>
      )}
      {node.columns.map((c, i) => {
        const y = HEADER_HEIGHT + i * ROW_HEIGHT + 15;
        return (
          <g key={c.name} className={c.key === 'pk' || c.key === 'pk+fk' ? 'er-col er-col--pk' : 'er-col'}>
            {c.key && (
              <text className={`er-col__key er-col__key--${c.key === 'pk+fk' ? 'pk' : c.key}`} x={10} y={y}>
                {KEY_MARK[c.key]}
              </text>
            )}
            <text className={`er-col__name${c.notNull ? ' er-col__name--required' : ''}`} x={32} y={y}>
              {c.name}
            </text>
            <text className="er-col__type" x={node.width - 10} y={y} textAnchor="end">
              {c.type}
            </text>
          </g>
        );
      })}
      {node.hiddenColumns > 0 && (
        <text className="er-col__type" x={32} y={HEADER_HEIGHT + node.columns.length * ROW_HEIGHT + 15}>
          + {node.hiddenColumns} more columns
        </text>
      )}
    </g>
  );
}
