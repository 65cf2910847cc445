import { receiptFor, receivedAt } from '../../../src/connectors/jira/delivery-receipt';

const KEY = 'webhook-secret';
const change = {
  issueKey: 'ACCESS-12',
  status: 'Approved by Manager',
  actorAccountId: '5b10a2844c20165700ede21b',
  at: '2026-12-02T10:00:00.000Z',
  changelogId: '10101',
};
const when = new Date('2026-12-02T10:00:00.250Z');

describe('delivery receipts: when the starter received a status change, as only it can say', () => {
  test('a receipt made with the key gives back its time', () => {
    const receipt = receiptFor(KEY, change, when);
    expect(receipt.receivedAt).toBe('2026-12-02T10:00:00.250Z');
    expect(receivedAt(KEY, change, receipt)).toBe(when.getTime());
  });

  test('a receipt moved to another time, issue, status, author or entry is worthless', () => {
    const receipt = receiptFor(KEY, change, when);
    expect(receivedAt(KEY, change, { ...receipt, receivedAt: '2026-12-02T09:59:00.000Z' })).toBeUndefined();
    expect(receivedAt(KEY, { ...change, issueKey: 'ACCESS-13' }, receipt)).toBeUndefined();
    expect(receivedAt(KEY, { ...change, status: 'Rejected' }, receipt)).toBeUndefined();
    expect(receivedAt(KEY, { ...change, actorAccountId: 'someone-else' }, receipt)).toBeUndefined();
    expect(receivedAt(KEY, { ...change, changelogId: '10102' }, receipt)).toBeUndefined();
    expect(receivedAt(KEY, change, { ...receipt, attestation: 'not-hex' })).toBeUndefined();
  });

  test('no receipt, another key, or no key on this side: no time (the claim is judged as of now)', () => {
    expect(receivedAt(KEY, change, undefined)).toBeUndefined();
    expect(receivedAt('another-secret', change, receiptFor(KEY, change, when))).toBeUndefined();
    expect(receivedAt(undefined, change, receiptFor(KEY, change, when))).toBeUndefined();
  });
});
