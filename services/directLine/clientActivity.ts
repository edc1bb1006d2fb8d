import { z } from 'zod';
import { MASK, maskSensitive } from '../privacy/mask';
import type { NewActivity } from './conversationLog';

/**
 * What a Direct Line client may post: a message or an event (Web Chat's `webchat/join`), with the fields Web
 * Chat sends. Everything else in the body (its own from, timestamp, entities, …) is ignored: the server knows
 * who the user is from the token, and gives the time itself.
 */
export const clientActivitySchema = z
  .looseObject({
    type: z.enum(['message', 'event'], { error: 'expected "message" or "event"' }),
    text: z.string({ error: 'expected a string' }).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml'], { error: 'expected "plain", "markdown" or "xml"' }).optional(),
    locale: z.string({ error: 'expected a language tag such as fi-FI' }).max(35).optional(),
    name: z.string({ error: 'expected a string' }).min(1, 'expected an event name').max(128).optional(),
    value: z.unknown().optional(),
    channelData: z
      .looseObject({ clientActivityID: z.string({ error: 'expected a string' }).min(1).max(128, 'at most 128 characters').optional() }, { error: 'expected an object' })
      .optional(),
    // Files are not taken (Web Chat's upload goes elsewhere); what a message carries is kept by type and name
    // only, so that the bot can say it reads text alone.
    attachments: z
      .array(z.looseObject({ contentType: z.string().max(255), name: z.string().max(255).optional() }), { error: 'expected an array' })
      .max(10, 'at most 10 attachments')
      .optional(),
  })
  .superRefine((activity, context) => {
    if (activity.type === 'event' && activity.name === undefined) context.addIssue({ code: 'custom', path: ['name'], message: 'an event needs a name' });
  });

export type ClientActivity = z.output<typeof clientActivitySchema>;

export type ClientActivityCheck =
  | { ok: true; activity: ClientActivity }
  | { ok: false; reason: 'malformed' | 'tooLong'; problem: string };

/**
 * Reads a posted body as an activity. `maxTextChars` is the hard limit of the HTTP layer, well above the
 * length the bot answers politely (MAX_MESSAGE_CHARS): text between the two reaches the bot, which asks for
 * something shorter; beyond it the request itself is refused.
 */
export function readClientActivity(body: unknown, maxTextChars: number): ClientActivityCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'malformed', problem: 'the body must be a JSON object (an activity)' };
  const parsed = clientActivitySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: 'malformed', problem: `${issue.path.join('.') || 'activity'}: ${issue.message}` };
  }
  const { text } = parsed.data;
  // Counted in characters as the resident sees them (code points), like the bot's own limit.
  if (text !== undefined && text.length > maxTextChars && [...text].length > maxTextChars) {
    return { ok: false, reason: 'tooLong', problem: `text: at most ${maxTextChars} characters are accepted (got ${[...text].length})` };
  }
  return { ok: true, activity: parsed.data };
}

export interface Party {
  id: string;
  name?: string;
  role: 'user' | 'bot';
}

/**
 * The resident's activity as the log keeps it and clients receive it: the fields the client may set, with the
 * conversation, the parties and the time from the server. `text` is given separately: the log keeps it with
 * personal identity codes and account and card numbers removed.
 */
export function userActivityRecord(
  activity: ClientActivity,
  where: { channelId: string; conversationId: string; user: Party; bot: Party; receivedAt: Date; text: string | undefined },
): NewActivity {
  const clientActivityID = activity.channelData?.clientActivityID;
  return withoutUndefined({
    type: activity.type,
    timestamp: where.receivedAt.toISOString(),
    channelId: where.channelId,
    conversation: { id: where.conversationId },
    from: where.user,
    recipient: where.bot,
    text: where.text,
    textFormat: activity.textFormat,
    locale: activity.locale,
    name: activity.name,
    value: activity.value,
    attachments: activity.attachments?.map(({ contentType, name }) => withoutUndefined({ contentType, name })),
    // Echoed so that Web Chat can match the activity to the one it shows as "sending".
    channelData: clientActivityID === undefined ? undefined : { clientActivityID },
  });
}

/**
 * The text as the transcript keeps it: a personal identity code, an account number or a card number is
 * replaced by `removedMark` (from the locale), because the bot tells the resident it was not stored. The bot
 * itself gets the text as typed, so that it can notice and say so; its own middleware removes it at once.
 */
export function transcriptText(text: string, removedMark: string): string {
  const masks = new Set<string>([MASK.personalId, MASK.iban, MASK.card]);
  return maskSensitive(text).text.replace(/\[[a-z-]+\]/g, (mark) => (masks.has(mark) ? removedMark : mark));
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
