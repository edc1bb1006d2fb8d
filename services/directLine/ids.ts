import { randomBytes } from 'node:crypto';

/**
 * Names in the self-hosted Direct Line channel. A conversation id is 144 random bits in base64url, so it is
 * safe in a URL path, in a Redis key and inside an activity id without escaping, and nobody can guess one.
 */
export const CONVERSATION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A user id the page may choose (Web Chat's own are `r_…`; ours, made by the server, are `dl_…`). */
export const USER_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

export function newConversationId(): string {
  return randomBytes(18).toString('base64url');
}

/** `dl_` marks an id chosen by the server and carried in the token (Web Chat then trusts it as is). */
export function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

/** An activity's id as Azure's Direct Line writes it: the conversation, a bar, and the sequence number in 7 digits. */
export function activityId(conversationId: string, sequence: number): string {
  return `${conversationId}|${String(sequence).padStart(7, '0')}`;
}

/**
 * A watermark as the client sends it back: the sequence number of the last activity it has. Direct Line
 * clients send an empty one (`?watermark=`) before they have any. Undefined when it is not a number.
 */
export function parseWatermark(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === '') return 0;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
