import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { assertNever } from '../../../shared/contract/result';
import { appAboutQuery, checkForUpdatesMutation, openLogsFolderMutation } from '../api/app';
import { usePierApi } from '../api/PierApiContext';
import { describeError } from '../api/RpcCallError';
import { ModalDialog } from '../ui/ModalDialog';
import { Icon } from '../ui/Icon';
import { useToasts } from '../ui/toasts/ToastViewport';
import './helpMenu.css';

type HelpAction = 'palette' | 'shortcuts' | 'about' | 'logs' | 'updates';
const ITEMS: readonly { action: HelpAction; label: string }[] = [
  { action: 'palette', label: 'Command palette (Ctrl+K)' },
  { action: 'shortcuts', label: 'Keyboard shortcuts (?)' },
  { action: 'about', label: 'About Pier' },
  { action: 'logs', label: 'Open logs folder' },
  { action: 'updates', label: 'Check for updates' },
];

/**
 * Help in the UI itself, so browser mode has what the desktop app's menu bar offers: About (versions
 * and folders), the logs folder, and updates — each saying what it did.
 */
export function HelpMenu({ onPalette, onShortcuts }: { onPalette: () => void; onShortcuts: () => void }) {
  const api = usePierApi();
  const toasts = useToasts();
  const [menuOpen, setMenuOpen] = useState(false);
  const [aboutOpen, setAboutOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const say = (message: string) => toasts.push({ tone: 'info', message, source: 'help' });
  const fail = (error: unknown) => toasts.push({ tone: 'error', ...describeError(error) });
  const openLogs = useMutation({ ...openLogsFolderMutation(api), onSuccess: (r) => say(r.message), onError: fail });
  const checkUpdates = useMutation({ ...checkForUpdatesMutation(api), onSuccess: (r) => say(r.message), onError: fail });
  const pick = (action: HelpAction) => {
    setMenuOpen(false);
    button.current?.focus();
    switch (action) {
      case 'palette':
        return onPalette();
      case 'shortcuts':
        return onShortcuts();
      case 'about':
        return setAboutOpen(true);
      case 'logs':
        return openLogs.mutate();
      case 'updates':
        return checkUpdates.mutate();
      default:
        return assertNever(action, 'help action');
    }
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        className="icon-button help-menu__button"
        aria-label="Help"
        title="Help"
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        onClick={() => setMenuOpen((open) => !open)}
      >
        <Icon name="help" />
      </button>
      {menuOpen && button.current && <HelpMenuList anchor={button.current} onPick={pick} onClose={() => setMenuOpen(false)} />}
      {aboutOpen && <AboutDialog onClose={() => setAboutOpen(false)} />}
    </>
  );
}

function HelpMenuList({ anchor, onPick, onClose }: { anchor: HTMLElement; onPick: (a: HelpAction) => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node) && !anchor.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [anchor, onClose]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowDown') setActive((i) => (i + 1) % ITEMS.length);
    else if (event.key === 'ArrowUp') setActive((i) => (i - 1 + ITEMS.length) % ITEMS.length);
    else if (event.key === 'Escape' || event.key === 'Tab') onClose();
    else return;
    event.preventDefault();
  };
  const at = anchor.getBoundingClientRect();
  return (
    <div ref={ref} role="menu" aria-label="Help" className="tree-menu" style={{ left: at.left, top: at.bottom + 4 }} onKeyDown={onKeyDown}>
      {ITEMS.map((item, i) => (
        <button
          key={item.action}
          type="button"
          role="menuitem"
          tabIndex={i === active ? 0 : -1}
          className="tree-menu__item"
          onClick={() => onPick(item.action)}
          onMouseEnter={() => setActive(i)}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

function AboutDialog({ onClose }: { onClose: () => void }) {
  const api = usePierApi();
  const about = useQuery(appAboutQuery(api));
  const a = about.data;
  const rows: [string, string][] = a
    ? [
        ['Pier', a.version],
        ['Runs as', a.mode === 'desktop' ? 'Desktop app' : 'Browser mode (npm run serve)'],
        ...(a.electronVersion ? [['Electron', `${a.electronVersion} (Chromium ${a.chromeVersion ?? '–'})`] as [string, string]] : []),
        ['Node.js', a.nodeVersion],
        ['PostgreSQL', a.postgresVersion],
        ['Platform', a.platform],
        ['Data folder', a.dataFolder],
        ['Logs folder', a.logsFolder],
        ...(a.crashReportsFolder ? [['Crash reports', a.crashReportsFolder] as [string, string]] : []),
        ['Updates', a.updates],
      ]
    : [];
  return (
    <ModalDialog
      title="About Pier"
      wide
      onClose={onClose}
      onSubmit={onClose}
      actions={
        <button type="submit" className="button button--primary">
          Close
        </button>
      }
    >
      {about.isPending && <p>Loading…</p>}
      {about.isError && <p role="alert">{describeError(about.error).message}</p>}
      {a && (
        <dl className="about-facts">
          {rows.map(([term, value]) => (
            <div key={term} className="about-facts__row">
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </ModalDialog>
  );
}
