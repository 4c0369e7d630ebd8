import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DataApiRequestOutput } from '../../../../shared/contract/dataApi';
import type { CloudLocation } from '../../../../shared/contract/location';
import type { ReadQuery } from '../../../../shared/dataapi/ast';
import { serializeQuery } from '../../../../shared/dataapi/serializeQuery';
import { cloudCommands, databasesQuery } from '../../api/cloud';
import { pathOf, readView, type TableTarget } from '../../api/dataApi';
import { usePierApi } from '../../api/PierApiContext';
import { describeError } from '../../api/RpcCallError';
import { Icon } from '../../ui/Icon';
import { MessageText } from '../../ui/MessageText';
import { topPaging, withTopPaging } from './gridQuery';
import { compareAnswers, explainHostedFailure, hostedRefusalHint, summarizeAnswer, type AnswerSummary } from './hostedComparison';

/** Rows asked of both sides when the view sets no limit (the hosted API is a network away). */
const COMPARE_LIMIT = 100;

/** A table on a cloud workspace's branch: what the hosted Data API can be asked about. */
export type CloudTableTarget = TableTarget & { readonly at: CloudLocation };

type Outcome =
  | { readonly kind: 'answered'; readonly pier: DataApiRequestOutput; readonly hosted: DataApiRequestOutput & { readonly url: string } }
  | {
      readonly kind: 'hostedFailed';
      readonly pier: DataApiRequestOutput;
      readonly message: string;
      readonly hint: string;
      readonly code: string;
    };

/**
 * The view's request sent twice: through Pier's own engine (as the signed-in identity, which is
 * whom the hosted API runs as with the workspace's token) and by main to the workspace's hosted
 * Data API; both answers side by side, with what differs. `sendCount` > 0 sends (again).
 */
export function HostedComparison({
  target,
  query,
  sendCount,
  onClose,
}: {
  target: CloudTableTarget;
  query: ReadQuery;
  sendCount: number;
  onClose: () => void;
}) {
  const api = usePierApi();
  const { workspaceId, branch, database } = target.at;
  const databases = useQuery(databasesQuery(api, workspaceId, branch));
  const resource = databases.data?.find((d) => d.postgresDatabase === database)?.name;
  const { limit, offset } = topPaging(query);
  const limited = limit === undefined;
  const rawQuery = serializeQuery(limited ? withTopPaging(query, COMPARE_LIMIT, offset) : query);
  const send = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      if (!resource) throw new Error(`The database ${database} is not listed on ${branch}; refresh the explorer.`);
      const request = { path: pathOf(target.schema, target.table), rawQuery, headers: { prefer: 'count=exact' } };
      const [pier, hosted] = await Promise.allSettled([
        readView(api, { ...target, viewAs: { kind: 'admin' } }, rawQuery, request.headers),
        cloudCommands.sendToHostedDataApi(api, { workspaceId, database: resource, method: 'GET', ...request }),
      ]);
      if (pier.status === 'rejected') throw pier.reason;
      if (hosted.status === 'fulfilled') return { kind: 'answered', pier: pier.value, hosted: hosted.value };
      const failure = describeError(hosted.reason);
      const explained = explainHostedFailure({ code: failure.code ?? '', message: failure.message, hint: failure.hint }, database);
      return { kind: 'hostedFailed', pier: pier.value, code: failure.code ?? '', ...explained };
    },
    meta: { errorDisplay: 'inline' },
  });
  const { mutate } = send;
  const ready = resource !== undefined;
  useEffect(() => {
    if (sendCount > 0 && ready) mutate();
  }, [sendCount, ready, mutate]);

  const outcome = send.data;
  const verdict = outcome?.kind === 'answered' ? compareAnswers(outcome.pier, outcome.hosted) : null;
  return (
    <section className="hosted-compare" aria-label="Hosted Data API comparison">
      <header className="hosted-compare__header">
        <h2 className="hosted-compare__title">Pier’s engine vs. the hosted Data API</h2>
        <span className="hosted-compare__note">GET as your signed-in identity{limited ? `, first ${COMPARE_LIMIT} rows` : ''}</span>
        <button type="button" className="button button--small" onClick={() => mutate()} disabled={send.isPending || !ready}>
          <Icon name="refresh" className={send.isPending ? 'spin' : undefined} /> Send again
        </button>
        <button type="button" className="icon-button" aria-label="Close the comparison" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {databases.isError && (
        <p className="hosted-compare__verdict hosted-compare__verdict--differ" role="alert">
          {describeError(databases.error).message}
        </p>
      )}
      {send.isPending && (
        <p className="hosted-compare__verdict" role="status">
          Sending to both…
        </p>
      )}
      {send.isError && (
        <p className="hosted-compare__verdict hosted-compare__verdict--differ" role="alert">
          <Icon name="error" /> <MessageText text={describeError(send.error).message} />
        </p>
      )}
      {!send.isPending && verdict?.kind === 'same' && (
        <p className="hosted-compare__verdict hosted-compare__verdict--same" role="status">
          <Icon name="info" /> Same answer. {verdict.message}
        </p>
      )}
      {!send.isPending && verdict?.kind === 'differ' && (
        <div className="hosted-compare__verdict hosted-compare__verdict--differ" role="alert">
          <Icon name="error" /> The answers differ.
          <ul className="hosted-compare__differences">
            {verdict.differences.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </div>
      )}
      {!send.isPending && outcome?.kind === 'hostedFailed' && (
        <div className="hosted-compare__verdict hosted-compare__verdict--differ" role="alert">
          <Icon name="error" /> <MessageText text={outcome.message} />
          <p className="hosted-compare__hint">
            <MessageText text={outcome.hint} />
          </p>
        </div>
      )}
      {outcome && (
        <div className="hosted-compare__sides">
          <AnswerColumn title="Pier (in-process engine)" answer={summarizeAnswer(outcome.pier)} />
          {outcome.kind === 'answered' ? (
            <AnswerColumn title="Hosted Data API" url={outcome.hosted.url} answer={summarizeAnswer(outcome.hosted)} hosted />
          ) : (
            <div className="hosted-compare__side">
              <h3 className="hosted-compare__side-title">Hosted Data API</h3>
              <p className="hosted-compare__missing">
                No answer <span className="hosted-compare__code">{outcome.code}</span>
              </p>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function AnswerColumn({ title, url, answer, hosted = false }: { title: string; url?: string; answer: AnswerSummary; hosted?: boolean }) {
  const refusal = hosted ? hostedRefusalHint(answer) : null;
  return (
    <div className="hosted-compare__side" aria-label={title} role="group">
      <h3 className="hosted-compare__side-title">
        {title}
        <span className={`hosted-compare__status${answer.status >= 400 ? ' hosted-compare__status--error' : ''}`}>{answer.status}</span>
        {answer.rows !== null && (
          <span className="hosted-compare__rows">
            {answer.rows} row{answer.rows === 1 ? '' : 's'}
            {answer.total !== null ? ` of ${answer.total}` : ''}
          </span>
        )}
      </h3>
      {url && (
        <p className="hosted-compare__url" title={url}>
          {url}
        </p>
      )}
      {refusal && <p className="hosted-compare__hint">{refusal}</p>}
      {answer.headers.length > 0 && (
        <dl className="hosted-compare__headers">
          {answer.headers.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <pre className="hosted-compare__body" tabIndex={0}>
        {answer.pretty}
      </pre>
    </div>
  );
}
