import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historiesDir, WORKFLOW_TYPES } from './scenarios';

/**
 * Saved histories of every workflow type replayed against the current code: a change that would
 * break running workflows (non-determinism) fails here, not in production.
 */
describe('replay of saved histories', () => {
  const workflowIds = JSON.parse(fs.readFileSync(path.join(historiesDir, 'workflow-ids.json'), 'utf8')) as Record<
    string,
    string
  >;
  const files = Object.keys(workflowIds).sort();

  test('there is a saved history of every workflow type', () => {
    const types = new Set(
      files.map((f) => {
        const history = JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')) as {
          events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
        };
        return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      }),
    );
    expect([...types].sort()).toEqual(WORKFLOW_TYPES);
  });

  test('runs since patches-decided-at-start record every patch marker in their first workflow task', () => {
    interface Event {
      eventType: string;
      markerRecordedEventAttributes?: {
        markerName?: string;
        details?: Record<string, { payloads?: Array<{ data?: string }> }>;
      };
    }
    const patchId = (e: Event): string | undefined => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? (JSON.parse(Buffer.from(data, 'base64').toString()) as { id: string }).id : undefined;
    };
    const checked = files.filter((file) => {
      const { events } = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')) as { events: Event[] };
      const patches = events.map((e, i) => ({ id: patchId(e), i })).filter((p) => p.id);
      if (!patches.some((p) => p.id === 'patches-decided-at-start')) return false;
      // The first task's commands follow its completion and end where the next task is scheduled.
      const firstDone = events.findIndex((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
      const next = events.findIndex((e, i) => i > firstDone && e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
      const secondTask = next < 0 ? events.length : next;
      expect({ file, late: patches.filter((p) => p.i > secondTask).map((p) => p.id) }).toEqual({ file, late: [] });
      return true;
    });
    expect(checked.length).toBeGreaterThanOrEqual(4);
  });

  test.each(files)('%s replays without non-determinism', async (file) => {
    const history: unknown = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8'));
    // The audit sink is registered (as the worker does) so the replay says nothing about it.
    const sinks = { audit: { stateChanged: { fn: () => undefined } } };
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE! }, replayName: `replay-${file}`, sinks },
      history,
      workflowIds[file],
    );
  });
});
