import { FaultSwitch } from '@leasehold/sandbox';

describe('the sandbox fault switch', () => {
  test('an update changes only the fields it names (PUT /__sandbox/faults keeps the others)', () => {
    const faults = new FaultSwitch({ errorRate: 1, retryAfterSeconds: 7 });
    expect(faults.update({ latencyMs: 50 })).toEqual({
      latencyMs: 50,
      errorRate: 1,
      rateLimitRate: 0,
      failNext: 0,
      throttleNext: 0,
      retryAfterSeconds: 7,
    });
    expect(faults.update({ errorRate: 0 })).toMatchObject({ latencyMs: 50, errorRate: 0, retryAfterSeconds: 7 });
  });

  test('an invalid update is refused whole and changes nothing', () => {
    const faults = new FaultSwitch({ errorRate: 0.5 });
    expect(() => faults.update({ errorRate: 2, latencyMs: 10 })).toThrow();
    expect(() => faults.update({ bogus: 1 })).toThrow();
    expect(faults.current).toMatchObject({ errorRate: 0.5, latencyMs: 0 });
  });

  test('reset returns to no faults', () => {
    const faults = new FaultSwitch({ failNext: 3 });
    expect(faults.reset()).toEqual({
      latencyMs: 0,
      errorRate: 0,
      rateLimitRate: 0,
      failNext: 0,
      throttleNext: 0,
      retryAfterSeconds: 1,
    });
  });
});
