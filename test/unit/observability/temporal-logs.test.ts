import { forwardTemporalLog, scrubTemporalLog } from '../../../src/temporal/runtime';
import { logFormat, logger } from '../../../src/logging';

const token = 'CiQ2ZmY1YjEwZC1hNmM0LTQxZGQtOGQ2Yy0xMmE0NjdlMjFkYjYSCHdmLTEyMzQ1GgxydW4tYWJjZGVmZ2g=';

describe('Temporal SDK/core log lines forwarded to pino', () => {
  test('task tokens and payloads are dropped from the fields, the rest kept', () => {
    const { meta } = scrubTemporalLog(
      {
        taskToken: token,
        task_token: token,
        workflowId: 'access-JSM-1',
        runId: 'r1',
        activityType: 'addMember',
        completion: { result: { payloads: [{ data: 'c2VjcmV0' }] } },
        failure: { message: 'boom', details: { payloads: [{ data: 'c2VjcmV0' }] } },
        nested: { inner: { heartbeatDetails: 'x', payload: 'y', kept: 1 } },
      },
      'Activity task failed',
    );
    expect(meta).toEqual({
      workflowId: 'access-JSM-1',
      runId: 'r1',
      activityType: 'addMember',
      failure: { message: 'boom' },
      nested: { inner: { kept: 1 } },
    });
    expect(JSON.stringify(meta)).not.toContain(token);
    expect(JSON.stringify(meta)).not.toContain('c2VjcmV0');
  });

  test('task tokens written into the message text are redacted', () => {
    const { message } = scrubTemporalLog(
      {},
      `Failed to complete activity TaskToken(${token}) task_token: "${token}" payloads=[{"data":"c2VjcmV0"}]`,
    );
    expect(message).not.toContain(token);
    expect(message).not.toContain('c2VjcmV0');
    expect(message).toContain('Failed to complete activity');
    expect(message).toContain('[redacted]');
  });

  test('a core warning with a task token and a payload reaches the logger without them', () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      forwardTemporalLog({
        level: 'WARN',
        message: `Activity not found on completion TaskToken(${token})`,
        timestampNanos: 0n,
        meta: {
          taskToken: token,
          details: { payloads: [{ data: 'c2VjcmV0' }] },
          activityId: '3',
          sdkComponent: 'core',
        },
      });
      expect(warn).toHaveBeenCalledTimes(1);
      const [fields, message] = warn.mock.calls[0] as unknown as [Record<string, unknown>, string];
      expect(fields).toEqual({ activityId: '3', sdkComponent: 'core', source: 'temporal-sdk' });
      expect(message).toBe('Activity not found on completion [redacted]');
    } finally {
      warn.mockRestore();
    }
  });

  test('a message without tokens is left as it is', () => {
    expect(scrubTemporalLog(undefined, 'Worker polling').message).toBe('Worker polling');
  });
});

describe('log format', () => {
  test('pretty on a terminal, JSON otherwise, LEASEHOLD_LOG_FORMAT forces either', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LEASEHOLD_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LEASEHOLD_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormat({ LEASEHOLD_LOG_FORMAT: 'bogus' }, false)).toBe('json');
  });
});
