import type { ReactNode } from 'react';

/** Stroke icons drawn on a 16×16 grid; bundled as JSX so the app needs no icon font or CDN. */
const PATHS = {
  chevron: <path d="M6 4l4 4-4 4" />,
  workspace: (
    <>
      <rect x="2" y="3" width="12" height="8" rx="1.5" />
      <path d="M5.5 13.5h5M8 11v2.5" />
    </>
  ),
  database: (
    <>
      <ellipse cx="8" cy="4" rx="5" ry="2" />
      <path d="M3 4v8c0 1.1 2.2 2 5 2s5-.9 5-2V4" />
      <path d="M3 8c0 1.1 2.2 2 5 2s5-.9 5-2" />
    </>
  ),
  schema: <path d="M2 4.5A1.5 1.5 0 013.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0114 6v5.5a1.5 1.5 0 01-1.5 1.5h-9A1.5 1.5 0 012 11.5z" />,
  table: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" />
      <path d="M2 6.5h12M2 9.75h12M6.5 6.5V13" />
    </>
  ),
  view: (
    <>
      <path d="M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8z" />
      <circle cx="8" cy="8" r="2" />
    </>
  ),
  materializedView: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" />
      <circle cx="8" cy="8" r="2" />
    </>
  ),
  foreignTable: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" />
      <path d="M6 8h5M9 6l2 2-2 2" />
    </>
  ),
  partitionedTable: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" />
      <path d="M2 8h12M8 3v10" />
    </>
  ),
  key: (
    <>
      <circle cx="5.5" cy="8" r="2.5" />
      <path d="M8 8h6M12 8v2M10 8v1.5" />
    </>
  ),
  close: <path d="M4 4l8 8M12 4l-8 8" />,
  /** ƒ(x): a function or procedure. */
  routine: <path d="M9.5 2.5c-1.5 0-2 1-2.3 2.5L6 11.5c-.3 1.5-.8 2-2 2M4.5 6.5h5M10.5 7.5l3 4M13.5 7.5l-3 4" />,
  search: (
    <>
      <circle cx="7" cy="7" r="4.5" />
      <path d="M10.5 10.5L14 14" />
    </>
  ),
  error: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 5v3.5M8 10.75v.25" />
    </>
  ),
  info: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 7.5V11M8 5v.25" />
    </>
  ),
  refresh: (
    <>
      <path d="M13 8a5 5 0 11-1.5-3.55" />
      <path d="M13 2.5V5h-2.5" />
    </>
  ),
  lock: (
    <>
      <rect x="3.5" y="7" width="9" height="6.5" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 015 0v2" />
    </>
  ),
  empty: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.5" strokeDasharray="2 1.5" />
    </>
  ),
  // Tree glyphs: projects, branches, endpoints, and row actions.
  project: (
    <>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
      <path d="M2 6h12M5 4.25h.01M7 4.25h.01" />
    </>
  ),
  branch: (
    <>
      <circle cx="4.5" cy="3.5" r="1.5" />
      <circle cx="4.5" cy="12.5" r="1.5" />
      <circle cx="11.5" cy="5.5" r="1.5" />
      <path d="M4.5 5v6M11.5 7c0 2.5-3 2.5-6.2 4.3" />
    </>
  ),
  endpoint: (
    <>
      <rect x="2.5" y="3" width="11" height="4" rx="1" />
      <rect x="2.5" y="9" width="11" height="4" rx="1" />
      <path d="M5 5h.01M5 11h.01" />
    </>
  ),
  plus: <path d="M8 3v10M3 8h10" />,
  more: (
    <>
      <circle cx="3.5" cy="8" r="0.6" />
      <circle cx="8" cy="8" r="0.6" />
      <circle cx="12.5" cy="8" r="0.6" />
    </>
  ),
  shield: <path d="M8 2l5 2v3.5c0 3-2.2 5.3-5 6.5-2.8-1.2-5-3.5-5-6.5V4z" />,
  clock: (
    <>
      <circle cx="8" cy="8" r="5.5" />
      <path d="M8 5v3l2 1.5" />
    </>
  ),
  help: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M6.3 6.3a1.8 1.8 0 113 1.3c-.7.4-1.3.8-1.3 1.6" />
      <circle cx="8" cy="11.4" r="0.5" />
    </>
  ),
} satisfies Record<string, ReactNode>;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className, title }: { name: IconName; className?: string; title?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title && <title>{title}</title>}
      {PATHS[name]}
    </svg>
  );
}
