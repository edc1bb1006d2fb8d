import { z } from 'zod';

/**
 * The least an incoming activity must have before it reaches the adapter. Everything else is passed
 * through as it is; the bot itself answers text that is too long or empty politely, in Finnish.
 */
export const incomingActivitySchema = z
  .looseObject({
    type: z.string().min(1, 'type is required').max(64),
    conversation: z.looseObject({ id: z.string().min(1, 'conversation.id is required').max(512) }),
    channelId: z.string().min(1).max(64).optional(),
    id: z.string().max(512).optional(),
    text: z.string().optional(),
    serviceUrl: z.string().max(2048).optional(),
    from: z.looseObject({ id: z.string().max(512) }).optional(),
    deliveryMode: z.string().max(32).optional(),
    // The bot reads who joined or left (to welcome once): a list of accounts, when present.
    membersAdded: z.array(z.looseObject({ id: z.string().max(512) })).max(100).optional(),
    membersRemoved: z.array(z.looseObject({ id: z.string().max(512) })).max(100).optional(),
  })
  .superRefine((activity, context) => {
    // botbuilder's ActivityHandler reads value.action.type of an Adaptive Card action without checking that there
    // is an action: without one the turn would fail, and the conversation's state be cleared.
    const { name, value } = activity as { name?: unknown; value?: unknown };
    if (activity.type === 'invoke' && name === 'adaptiveCard/action' && value && !isObject((value as { action?: unknown }).action)) {
      context.addIssue({ code: 'custom', path: ['value', 'action'], message: 'an Adaptive Card action needs value.action (an object)' });
    }
  });

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reason a body is not an activity, as one line for a 400 answer. */
export function describeActivityProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body must be a JSON object (an activity)';
  const parsed = incomingActivitySchema.safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join('.') || 'activity'}: ${issue.message}`;
}
