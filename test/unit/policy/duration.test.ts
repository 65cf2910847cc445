import { formatDuration, parseDuration } from '../../../src/policy/duration';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  test.each<[string, number]>([
    ['30 seconds', 30 * S],
    ['1 second', S],
    ['30s', 30 * S],
    ['45 sec', 45 * S],
    ['5 minutes', 5 * M],
    ['5m', 5 * M],
    ['10 mins', 10 * M],
    ['8 hours', 8 * H],
    ['8h', 8 * H],
    ['2 hrs', 2 * H],
    ['1 day', D],
    ['7 days', 7 * D],
    ['7d', 7 * D],
    ['2 weeks', 14 * D],
    ['2w', 14 * D],
    ['1.5 hours', 90 * M],
    ['  3 Days ', 3 * D],
    ['8 HOURS', 8 * H],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each([
    '',
    'soon',
    'forever',
    '8',
    'hours',
    '0 days',
    '-1 day',
    '1 month',
    '1 year',
    '1 day 2 hours',
    'PT8H',
    '1e3s',
    '8 h ours',
    '0.0001 seconds',
  ])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  test.each<[number, string]>([
    [30 * S, '30s'],
    [90 * S, '90s'],
    [5 * M, '5m'],
    [90 * M, '90m'],
    [8 * H, '8h'],
    [26 * H, '26h'],
    [D, '1d'],
    [7 * D, '7d'],
    [1_500, '1500ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('what it prints parses back to the same duration', () => {
    for (const ms of [S, 30 * S, 90 * S, 5 * M, 8 * H, 26 * H, D, 14 * D]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
