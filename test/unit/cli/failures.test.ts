import { ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { causeOf, describeFailure, EXIT, UnreachableError, UsageError } from '../../../src/cli/failures';

describe('the CLI says what failed in plain words, with the exit code', () => {
  test('a rejected update: the validator’s message, not "Workflow Update failed" (exit 1)', () => {
    const rejected = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ message: '"forever" is not a duration', type: 'Error' }),
    );
    expect(describeFailure(rejected)).toEqual({ message: '"forever" is not a duration', exitCode: EXIT.failed });
  });

  test('a request that does not exist: `no request KEY` (exit 1)', () => {
    const missing = new WorkflowNotFoundError('workflow not found', 'access-request-ACCESS-99', undefined);
    expect(describeFailure(missing)).toEqual({ message: 'no request ACCESS-99', exitCode: EXIT.failed });
  });

  test('a failed call: what was done and the server’s reason', () => {
    const failed = new ServiceError('Failed to query Workflow', {
      cause: Object.assign(new Error('3 INVALID_ARGUMENT: query handler panicked'), {
        code: 3,
        details: 'query handler panicked',
      }),
    });
    expect(describeFailure(failed)).toEqual({
      message: 'Failed to query Workflow: query handler panicked',
      exitCode: EXIT.failed,
    });
  });

  test('Temporal gone in the middle of a call is "unreachable", naming the address (exit 3)', () => {
    const gone = new ServiceError('Failed to list workflows', {
      cause: Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
        code: 14,
        details: 'No connection established',
      }),
    });
    const failure = describeFailure(gone, '127.0.0.1:7299');
    expect(failure.exitCode).toBe(EXIT.unreachable);
    expect(failure.message).toMatch(/^cannot reach Temporal at 127\.0\.0\.1:7299 \(set TEMPORAL_ADDRESS or --address/);
  });

  test('the CLI’s own usage and reachability errors', () => {
    expect(describeFailure(new UsageError('--reason is required with --release')).exitCode).toBe(EXIT.usage);
    const unreachable = new UnreachableError('127.0.0.1:7299', 'Failed to connect before the deadline');
    expect(describeFailure(unreachable)).toEqual({
      message:
        'cannot reach Temporal at 127.0.0.1:7299 (set TEMPORAL_ADDRESS or --address; is `npm start` running?): Failed to connect before the deadline',
      exitCode: EXIT.unreachable,
    });
  });

  test('causeOf: the innermost message of a chain; a plain error as it is', () => {
    const inner = new Error('the directory said 403');
    expect(causeOf(new Error('outer', { cause: inner }))).toBe('the directory said 403');
    expect(causeOf(new Error('just this'))).toBe('just this');
    expect(causeOf('a string')).toBe('a string');
  });
});
