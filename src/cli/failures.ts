/**
 * Exit codes and plain-words causes of the CLI (kubectl, gh and temporal conventions). This module loads
 * no SDK: it recognises Temporal's errors by their names and shapes, so `--help` stays fast.
 */
export const EXIT = {
  ok: 0,
  /** The operation failed: a rejected update, a failed query, a request that does not exist. */
  failed: 1,
  /** Bad usage or input: an unknown option, a missing argument, an invalid value or environment. */
  usage: 2,
  /** A service could not be reached (Temporal). */
  unreachable: 3,
} as const;

export const EXIT_CODES_HELP = `
Exit codes: 0 ok; 1 the operation failed (e.g. a rejected update; the cause is printed);
2 bad usage or input (unknown option, missing argument, invalid value, malformed issue key);
3 a service unreachable (Temporal).`;

/** Bad input found by a command itself (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Temporal could not be reached (exit 3); the message names the address and how to change it. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  constructor(
    readonly address: string,
    readonly detail: string,
    readonly hint = 'set TEMPORAL_ADDRESS or --address; is `npm start` running?',
  ) {
    super(`cannot reach Temporal at ${address} (${hint})${detail ? `: ${detail}` : ''}`);
  }
}

export interface Failure {
  message: string;
  exitCode: number;
}

interface ErrorLike {
  name?: string;
  message?: string;
  cause?: unknown;
  workflowId?: string;
  code?: number;
  details?: unknown;
}

const asErrorLike = (e: unknown): ErrorLike | undefined =>
  typeof e === 'object' && e !== null ? (e as ErrorLike) : undefined;

/** Wrappers whose own message says nothing the cause does not ("Workflow Update failed"). */
const WRAPPERS = new Set([
  'WorkflowUpdateFailedError',
  'WorkflowFailedError',
  'ActivityFailure',
  'ChildWorkflowFailure',
  'WorkflowUpdateRPCTimeoutOrCancelledError',
]);

/** gRPC status UNAVAILABLE: the server went away (or was never there). */
const GRPC_UNAVAILABLE = 14;

/** The access request's issue key in its workflow id (`access-request-ACCESS-12`), if it is one. */
const issueOf = (workflowId: string | undefined): string | undefined =>
  workflowId?.startsWith('access-request-') ? workflowId.slice('access-request-'.length) : undefined;

/** The innermost useful message of an error and its `cause` chain. */
export function causeOf(e: unknown): string {
  const messages: string[] = [];
  let current = asErrorLike(e);
  for (let depth = 0; current && depth < 10; depth++) {
    // A gRPC error's `details` is its message without the status prefix ("3 INVALID_ARGUMENT: ").
    const own = typeof current.details === 'string' && current.details ? current.details : current.message;
    if (own && !WRAPPERS.has(current.name ?? '')) messages.push(own);
    current = asErrorLike(current.cause);
  }
  if (messages.length === 0) return e instanceof Error ? e.message : String(e);
  // The deepest cause says what went wrong; a ServiceError's own message says what was being done.
  const last = messages.at(-1)!;
  const first = messages[0]!;
  return messages.length > 1 && asErrorLike(e)?.name === 'ServiceError' ? `${first}: ${last}` : last;
}

function grpcCode(e: unknown): number | undefined {
  for (let current = asErrorLike(e), depth = 0; current && depth < 10; depth++) {
    if (typeof current.code === 'number') return current.code;
    current = asErrorLike(current.cause);
  }
  return undefined;
}

/** What to tell the user about an error a command threw, and the exit code. */
export function describeFailure(e: unknown, temporalAddress?: string): Failure {
  const err = asErrorLike(e);
  if (e instanceof UnreachableError) return { message: e.message, exitCode: EXIT.unreachable };
  if (e instanceof UsageError) return { message: e.message, exitCode: EXIT.usage };
  if (err?.name === 'WorkflowNotFoundError') {
    const issue = issueOf(err.workflowId);
    return { message: issue ? `no request ${issue}` : causeOf(e), exitCode: EXIT.failed };
  }
  if (err?.name === 'NamespaceNotFoundError') return { message: causeOf(e), exitCode: EXIT.failed };
  if (err?.name === 'ServiceError' && grpcCode(err.cause) === GRPC_UNAVAILABLE) {
    const where = temporalAddress ?? 'its address';
    return { message: new UnreachableError(where, causeOf(err.cause)).message, exitCode: EXIT.unreachable };
  }
  return { message: causeOf(e), exitCode: EXIT.failed };
}
