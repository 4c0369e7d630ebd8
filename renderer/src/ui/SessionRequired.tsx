import { PierMark } from './PierMark';
import './panels.css';

export type SessionProblem = 'missing' | 'rejected';

/** Full-page notice for browser mode without a valid session key; nothing else can work then. */
export function SessionRequired({ problem }: { problem: SessionProblem }) {
  return (
    <main className="session-required">
      <div className="session-required__card" role="alert">
        <PierMark />
        <h1 className="session-required__title">{problem === 'missing' ? 'Pier needs its session key' : 'This session has ended'}</h1>
        <p>
          Open Pier through the link printed by <code>npm run serve</code>, which carries the session key.
        </p>
        <p className="session-required__muted">
          {problem === 'missing'
            ? 'The key keeps other pages and programs on this machine from using your databases through Pier.'
            : "Pier's server did not accept this window's key, usually because it was restarted. Its new link has a new key."}
        </p>
      </div>
    </main>
  );
}
