import { randomBytes } from 'node:crypto';

/**
 * Block Kit as the Web API stores it: every block gets a `block_id` and every interactive element an
 * `action_id` when the app sent none (Slack makes up short random ones), and the basic rules are checked
 * (at most 50 blocks, unique `block_id`s, each block an object with a `type`).
 */

export type Block = Record<string, unknown>;

/** A button of a posted message, as a click finds it. */
export interface FoundButton {
  blockId: string;
  element: Record<string, unknown>;
}

/** A Web API error code the caller turns into `{ ok: false, error }`. */
export class BlocksError extends Error {
  constructor(readonly code: 'invalid_blocks' | 'invalid_blocks_format') {
    super(code);
  }
}

const MAX_BLOCKS = 50;
const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'timepicker',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'plain_text_input',
]);

const shortId = (): string => randomBytes(4).toString('base64url').slice(0, 5);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the `blocks` argument (a JSON string in a form body, an array in a JSON body); undefined when
 * absent. Throws {@link BlocksError}.
 */
export function parseBlocks(raw: unknown): Block[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw new BlocksError('invalid_blocks_format');
    }
  }
  if (!Array.isArray(value)) throw new BlocksError('invalid_blocks_format');
  if (value.length > MAX_BLOCKS) throw new BlocksError('invalid_blocks');
  return value.map((block) => {
    if (!isObject(block) || typeof block.type !== 'string') throw new BlocksError('invalid_blocks');
    return structuredClone(block);
  });
}

/** Gives blocks and interactive elements the ids Slack would; checks `block_id` uniqueness. */
export function normaliseBlocks(blocks: Block[]): Block[] {
  const seen = new Set<string>();
  return blocks.map((original) => {
    const block = { ...original };
    if (typeof block.block_id !== 'string' || block.block_id === '') block.block_id = shortId();
    const id = block.block_id as string;
    if (seen.has(id) || id.length > 255) throw new BlocksError('invalid_blocks');
    seen.add(id);
    if (Array.isArray(block.elements)) block.elements = block.elements.map(withActionId);
    if (isObject(block.accessory)) block.accessory = withActionId(block.accessory);
    if (isObject(block.element)) block.element = withActionId(block.element);
    return block;
  });
}

function withActionId(element: unknown): unknown {
  if (!isObject(element) || typeof element.type !== 'string' || !INTERACTIVE.has(element.type)) return element;
  if (element.type === 'button' && !isObject(element.text)) throw new BlocksError('invalid_blocks');
  if (typeof element.action_id === 'string' && element.action_id !== '') {
    if (element.action_id.length > 255) throw new BlocksError('invalid_blocks');
    return element;
  }
  return { ...element, action_id: shortId() };
}

/** The button with this `action_id` in the blocks (in an `actions` block or a section's accessory). */
export function findButton(blocks: readonly Block[] | undefined, actionId: string): FoundButton | undefined {
  for (const block of blocks ?? []) {
    const candidates = [...(Array.isArray(block.elements) ? block.elements : []), block.accessory];
    for (const element of candidates) {
      if (isObject(element) && element.type === 'button' && element.action_id === actionId)
        return { blockId: block.block_id as string, element };
    }
  }
  return undefined;
}

/** The `action_id`s of every button in the blocks (for error messages and inspection). */
export function buttonActionIds(blocks: readonly Block[] | undefined): string[] {
  const ids: string[] = [];
  for (const block of blocks ?? []) {
    for (const element of [...(Array.isArray(block.elements) ? block.elements : []), block.accessory]) {
      if (isObject(element) && element.type === 'button' && typeof element.action_id === 'string')
        ids.push(element.action_id);
    }
  }
  return ids;
}
