import { randomUUID } from 'node:crypto';
import type { Fault } from '../faults';
import { Router, type SandboxRequest, type SandboxResponse, type SandboxServerOptions } from '../http';
import { awsErrors, renderAwsError } from './errors';
import { IDENTITY_STORE_OPERATIONS, runOperation, type AwsOperation, type AwsOperationContext } from './operations';
import { verifySigV4, type AwsAccessKey, type VerifiedCaller } from './sigv4';

/** The state the AWS routes work on. */
export interface AwsServerState extends AwsOperationContext {
  region: string;
  accountId: string;
  keys: readonly AwsAccessKey[];
  /** IAM actions (`identitystore:CreateGroupMembership`) denied to every key, for tests. */
  deniedActions: Set<string>;
  /** Requests that reached each operation (signature verified, not faulted). */
  requestCounts: Map<AwsOperation, number>;
  now: () => number;
}

const SERVICES = {
  AWSIdentityStore: { signingName: 'identitystore', iamPrefix: 'identitystore' },
  SWBExternalService: { signingName: 'sso', iamPrefix: 'sso' },
} as const;

const READ_ONLY = /^(Get|Describe|List|IsMember)/;
const callers = new WeakMap<
  SandboxRequest,
  { caller: VerifiedCaller; operation: AwsOperation; service: keyof typeof SERVICES }
>();

/**
 * The AWS-specific parts of the sandbox server: the awsJson1.1 protocol (`POST /`, `X-Amz-Target`,
 * `application/x-amz-json-1.1`), Signature Version 4 checked against the sandbox's keys, IAM-style
 * authorization (a read-only key, denied actions), and AWS's error shapes on every failure.
 */
export function awsServerOptions(
  state: AwsServerState,
): Pick<SandboxServerOptions, 'router' | 'before' | 'renderError' | 'renderFault'> {
  const router = new Router().post('/', (req) => {
    const found = callers.get(req)!;
    state.requestCounts.set(found.operation, (state.requestCounts.get(found.operation) ?? 0) + 1);
    const action = `${SERVICES[found.service].iamPrefix}:${found.operation}`;
    if ((found.caller.key.readOnly && !READ_ONLY.test(found.operation)) || state.deniedActions.has(action)) {
      const resource =
        found.service === 'AWSIdentityStore'
          ? `arn:aws:identitystore::${state.accountId}:identitystore/${state.identityStoreId}`
          : state.instanceArn;
      throw awsErrors.accessDenied(found.caller.key.principalArn, action, resource);
    }
    return ok(runOperation(state, found.operation, req.json()));
  });

  return {
    router,
    before(req) {
      if (req.method !== 'POST' || req.path !== '/') return undefined; // the router answers UnknownOperation
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation] = target.split('.', 2) as [string, string | undefined];
      const service = prefix in SERVICES ? (prefix as keyof typeof SERVICES) : undefined;
      const known =
        service === 'AWSIdentityStore'
          ? (IDENTITY_STORE_OPERATIONS as readonly string[]).includes(operation ?? '')
          : service === 'SWBExternalService' && operation === 'DescribePermissionSet';
      const caller = verifySigV4(
        req,
        state.keys,
        { region: state.region, service: SERVICES[service ?? 'AWSIdentityStore'].signingName },
        state.now(),
      );
      if (!service || !known) throw awsErrors.unknownOperation(target || '(no X-Amz-Target)');
      const contentType = String(req.headers['content-type'] ?? '');
      if (!contentType.startsWith('application/x-amz-json-1.1'))
        throw awsErrors.serialization(`Content-Type ${contentType || '(none)'} is not application/x-amz-json-1.1`);
      callers.set(req, { caller, operation: operation as AwsOperation, service });
      return undefined;
    },
    renderError: (error) => renderAwsError(error),
    renderFault(fault: Fault) {
      return renderAwsError(
        fault.kind === 'rate-limit' ? awsErrors.throttling(fault.retryAfterSeconds) : awsErrors.internal(),
      );
    },
  };
}

function ok(body: Record<string, unknown>): SandboxResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() },
    body: JSON.stringify(body),
  };
}
