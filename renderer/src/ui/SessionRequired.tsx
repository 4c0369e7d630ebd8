import type { SessionProblem } from '../api/transport';
import { PierMark } from './PierMark';
import './panels.css';

/** Full-page notice for browser mode without a valid session; nothing else can work then. */
export function SessionRequired({ problem }: { problem: SessionProblem }) {
  return (
    <main className="session-required">
      <div className="session-required__card" role="alert">
        <PierMark />
        <h1 className="session-required__title">{problem === 'missing' ? 'Open Pier through its link' : 'This session has ended'}</h1>
        <p>
          Open Pier through the link printed by <code>npm run serve</code>. Each link works once: press Enter in its terminal for another.
        </p>
        <p className="session-required__muted">
          {problem === 'missing'
            ? 'The link starts a session only this browser holds, which keeps other pages and programs on this machine from using your databases through Pier.'
            : "Pier's server no longer knows this window's session, usually because it was restarted. Open its new link."}
        </p>
      </div>
    </main>
  );
}
