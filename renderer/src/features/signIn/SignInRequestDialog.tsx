import { useQuery } from '@tanstack/react-query';
import type { PendingSignInDto } from '../../../../shared/contract/signIn';
import { usePierApi } from '../../api/PierApiContext';
import { pendingSignInsQuery, useDecideSignIn } from '../../api/signIn';
import { DialogError, ModalDialog } from '../../ui/ModalDialog';
import './signIn.css';

/**
 * Shows the oldest sign-in waiting at Pier's local OIDC issuer and lets the user approve or deny
 * it. Until then the client gets no code: any program on this machine can ask, only the user can
 * say yes.
 */
export function SignInRequests() {
  const api = usePierApi();
  const pending = useQuery(pendingSignInsQuery(api));
  const [first] = pending.data ?? [];
  // Keyed by request so a new request never inherits the previous one's error or busy state.
  return first ? <SignInRequestDialog key={first.id} request={first} waiting={pending.data?.length ?? 1} /> : null;
}

function SignInRequestDialog({ request, waiting }: { request: PendingSignInDto; waiting: number }) {
  const api = usePierApi();
  const decide = useDecideSignIn(api, request.id);
  const deny = () => {
    if (!decide.isPending) decide.mutate(false);
  };
  return (
    <ModalDialog
      title="Approve a sign-in to Pier?"
      onClose={deny}
      onSubmit={() => {
        if (!decide.isPending) decide.mutate(true);
      }}
      actions={
        <>
          {/* First, so it has the focus: a stray Enter or Space denies, never approves. */}
          <button type="button" className="button" onClick={deny} disabled={decide.isPending} autoFocus>
            Deny
          </button>
          <button type="submit" className="button button--primary" disabled={decide.isPending}>
            {decide.isPending ? 'Answering…' : 'Approve'}
          </button>
        </>
      }
    >
      <p>A program on this computer asks Pier&apos;s local workspace for a sign-in.</p>
      <dl className="sign-in-request">
        <dt>Client</dt>
        <dd>{request.clientId}</dd>
        <dt>Sends the sign-in to</dt>
        <dd>{request.redirectUri}</dd>
        <dt>Signs in as</dt>
        <dd>{request.identity}</dd>
        <dt>Scope</dt>
        <dd>{request.scope}</dd>
      </dl>
      <p className="sign-in-request__advice">
        Approve only if you started this sign-in yourself, for example with <code>databricks auth login</code> or by adding a workspace in
        Pier. The client name is whatever the program says it is.
      </p>
      {waiting > 1 && <p className="sign-in-request__more">{waiting - 1} more waiting after this one.</p>}
      {decide.isError && <DialogError title="Pier could not record the answer" error={decide.error} />}
    </ModalDialog>
  );
}
