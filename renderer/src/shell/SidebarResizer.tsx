import { useRef, type PointerEvent } from 'react';
import { SIDEBAR_MAX, SIDEBAR_MIN, clampSidebarWidth, sidebarWidthForKey } from './sidebarWidth';

/** The draggable, keyboard-operable edge between the explorer and the main area. */
export function SidebarResizer({ width, onResize }: { width: number; onResize: (width: number) => void }) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    onResize(clampSidebarWidth(drag.current.startWidth + event.clientX - drag.current.startX));
  };

  return (
    <div
      className="sidebar-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize explorer"
      aria-valuenow={width}
      aria-valuemin={SIDEBAR_MIN}
      aria-valuemax={SIDEBAR_MAX}
      tabIndex={0}
      onKeyDown={(event) => {
        const next = sidebarWidthForKey(event.key, width);
        if (next === null) return;
        event.preventDefault();
        onResize(next);
      }}
      onPointerDown={(event) => {
        drag.current = { startX: event.clientX, startWidth: width };
        event.currentTarget.setPointerCapture(event.pointerId);
      }}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onDoubleClick={() => onResize(sidebarWidthForKey('Enter', width) ?? width)}
    />
  );
}
