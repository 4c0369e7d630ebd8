import { useQuery } from '@tanstack/react-query';
import { appStatusQuery } from '../../api/app';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { shortVersion } from './shortVersion';
import './statusbar.css';

type Connection = 'connecting' | 'connected' | 'disconnected';

/** Bottom bar: is Postgres reachable, which one, and how Pier runs. Polls app.status. */
export function StatusBar() {
  const api = usePierApi();
  const status = useQuery(appStatusQuery(api));
  const data = status.data;
  // A failed poll after a success means the server went away: show that, not stale "connected".
  const connection: Connection = status.isError ? 'disconnected' : !data ? 'connecting' : data.connected ? 'connected' : 'disconnected';
  const connectionText = {
    connecting: 'Connecting…',
    connected: 'Connected',
    disconnected: status.isError ? "Pier's server unreachable" : 'Postgres disconnected',
  }[connection];

  return (
    <footer className={status.isError ? 'statusbar statusbar--stale' : 'statusbar'} role="status" aria-label="Connection status">
      <span className="statusbar__item" title={status.isError ? describeError(status.error).message : undefined}>
        <span className={`statusbar__dot statusbar__dot--${connection}`} aria-hidden="true" />
        {connectionText}
      </span>
      {data && (
        <>
          <span className="statusbar__item" title="Postgres server version">
            PostgreSQL {shortVersion(data.postgresVersion)}
          </span>
          <span className="statusbar__item" title="Database">
            {data.database}
          </span>
          <span className="statusbar__item statusbar__item--muted" title="Where Postgres runs">
            {data.postgresLabel}
          </span>
          <span className="statusbar__spacer" />
          <span
            className="statusbar__item statusbar__item--muted"
            title={data.mode === 'browser' ? 'Served on loopback by `npm run serve`' : 'Pier desktop app'}
          >
            {data.mode === 'browser' ? 'Browser mode' : 'Desktop'}
          </span>
        </>
      )}
    </footer>
  );
}
