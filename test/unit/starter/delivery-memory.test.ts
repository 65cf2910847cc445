import { DeliveryMemory } from '../../../src/starter/delivery-memory';
import type { DispatchResult } from '../../../src/starter/dispatcher';

const body = Buffer.from('{"webhookEvent":"jira:issue_updated"}');
const signalled: DispatchResult = { status: 200, outcome: 'signalled', workflowId: 'access-request-ACCESS-1' };

describe('DeliveryMemory: a delivery Jira sends again is handled once', () => {
  test('a repeat of a handled delivery gets the first answer as a duplicate, without being handled again', async () => {
    const memory = new DeliveryMemory();
    const handle = jest.fn(() => Promise.resolve(signalled));
    expect(await memory.once('wh-1', body, handle)).toEqual(signalled);
    expect(await memory.once('wh-1', body, handle)).toEqual({
      status: 200,
      outcome: 'duplicate',
      reason: 'delivery already handled (signalled)',
      workflowId: 'access-request-ACCESS-1',
    });
    expect(handle).toHaveBeenCalledTimes(1);
  });

  test('a repeat arriving while the first is in hand joins it', async () => {
    const memory = new DeliveryMemory();
    let finish!: (r: DispatchResult) => void;
    const handle = jest.fn(() => new Promise<DispatchResult>((resolve) => (finish = resolve)));
    const first = memory.once('wh-2', body, handle);
    const second = memory.once('wh-2', body, handle);
    finish({ status: 202, outcome: 'ignored', reason: 'stale' });
    expect(await first).toMatchObject({ status: 202, outcome: 'ignored' });
    expect(await second).toMatchObject({
      status: 202,
      outcome: 'duplicate',
      reason: 'delivery already handled (ignored: stale)',
    });
    expect(handle).toHaveBeenCalledTimes(1);
  });

  test('a delivery that failed is handled afresh when it comes again', async () => {
    const memory = new DeliveryMemory();
    const handle = jest
      .fn<Promise<DispatchResult>, []>()
      .mockRejectedValueOnce(new Error('Temporal is unavailable'))
      .mockResolvedValueOnce(signalled);
    await expect(memory.once('wh-3', body, handle)).rejects.toThrow('Temporal is unavailable');
    expect(await memory.once('wh-3', body, handle)).toEqual(signalled);
    expect(handle).toHaveBeenCalledTimes(2);
  });

  test('the same identifier with another body is another delivery (the identifier is not signed)', async () => {
    const memory = new DeliveryMemory();
    const handle = jest.fn(() => Promise.resolve(signalled));
    await memory.once('wh-4', body, handle);
    expect(await memory.once('wh-4', Buffer.from('{"other":true}'), handle)).toEqual(signalled);
    expect(handle).toHaveBeenCalledTimes(2);
  });
});
