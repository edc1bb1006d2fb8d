import { z } from 'zod';

/**
 * The least an incoming activity must have before it reaches the adapter. Everything else is passed
 * through as it is; the bot itself answers text that is too long or empty politely, in Finnish.
 */
export const incomingActivitySchema = z.looseObject({
  type: z.string().min(1, 'type is required').max(64),
  conversation: z.looseObject({ id: z.string().min(1, 'conversation.id is required').max(512) }),
  channelId: z.string().min(1).max(64).optional(),
  id: z.string().max(512).optional(),
  text: z.string().optional(),
  serviceUrl: z.string().max(2048).optional(),
  from: z.looseObject({ id: z.string().max(512) }).optional(),
  deliveryMode: z.string().max(32).optional(),
});

/** Reason a body is not an activity, as one line for a 400 answer. */
export function describeActivityProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object (an activity)';
  const parsed = incomingActivitySchema.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.') || 'activity'}: ${issue.message}`;
}
