import type { DataApiRequestOutput } from '../../../../shared/contract/dataApi';
import { CopyButton } from '../grid/CopyButton';
import { displayBody, statusText, type ConsoleMethod } from './consoleRequest';

/** The engine's answer: status line and round-trip time, headers, and the body (JSON pretty, other text as is). */
export function ResponseView({ response, ms, method }: { response: DataApiRequestOutput; ms: number; method: ConsoleMethod }) {
  const contentType = response.headers['content-type'];
  const body = displayBody(contentType, response.body);
  const tone = response.status >= 400 ? 'bad' : 'ok';
  const headers = Object.entries(response.headers).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="api-console__answer">
      <p className="api-console__status" role="status" aria-label="Response status">
        <span className={`api-console__code api-console__code--${tone}`}>
          {response.status} {statusText(response.status)}
        </span>
        <span className="api-console__meta" title="From sending the request to receiving the whole answer, through Pier">
          {ms} ms
        </span>
        <span className="api-console__meta">{byteSize(response.body)}</span>
      </p>
      <div className="api-console__panes">
        <section className="api-console__pane" aria-label="Response headers">
          <h3 className="api-console__label">Headers</h3>
          <table className="api-console__header-table">
            <tbody>
              {headers.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="api-console__pane api-console__pane--body" aria-label="Response body">
          <h3 className="api-console__label">
            Body {body.kind === 'json' ? '(JSON)' : contentType ? `(${contentType.split(';')[0]})` : ''}
            {response.body !== '' && <CopyButton text={body.text} label="Copy body" />}
          </h3>
          {method === 'HEAD' || response.body === '' ? (
            <p className="api-console__meta">No body.</p>
          ) : (
            <pre className="api-console__pre" tabIndex={0}>
              {body.text}
            </pre>
          )}
        </section>
      </div>
    </div>
  );
}

function byteSize(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}
