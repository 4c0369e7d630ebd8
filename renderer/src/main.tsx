import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { assertNever } from '../../shared/contract/result';
import { App } from './App';
import { connect } from './api/transport';
import { SessionRequired } from './ui/SessionRequired';
import { themeStore } from './ui/theme/themeStore';
import './styles/global.css';

// The theme attribute goes on <html> before anything renders: no flash of the wrong colours.
themeStore();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);

const connection = connect(window, (problem) => {
  // Nothing works without a session: replace the whole app with the explanation.
  root.render(<SessionRequired problem={problem} />);
});

switch (connection.kind) {
  case 'desktop':
  case 'browser':
    root.render(
      <StrictMode>
        <App api={connection.api} />
      </StrictMode>,
    );
    break;
  default:
    assertNever(connection, 'connection');
}
