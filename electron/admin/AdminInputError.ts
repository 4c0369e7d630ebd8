/**
 * A change the catalog makes impossible (creating a role that exists, altering a superuser …).
 * Carries SQLSTATE 22023 (invalid_parameter_value) so the RPC layer reports it like the
 * Postgres error it stands in for, with the message and hint intact.
 */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
  readonly code = '22023';
  constructor(
    message: string,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}
