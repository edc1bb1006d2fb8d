import { z } from 'zod';
import { SERVICE_IDS } from '../directory/directory';

/**
 * A resident's request to be called back: only what the call needs (GDPR minimisation) – the number, when to
 * call, the service, the resident's own short summary and, if they wish, a first name. Staff claim and close it
 * in the staff console; a closed request is deleted after the retention period.
 */

/** "AKA-2026-000123": the year in Helsinki and that year's running number. */
export const CALLBACK_REF = /^AKA-\d{4}-\d{6,}$/;

export const SUMMARY_MAX_CHARS = 500;
export const FIRST_NAME_MAX_CHARS = 40;
export const NOTE_MAX_CHARS = 1000;

export const CALLBACK_OUTCOMES = ['helped', 'referred', 'no_answer', 'other'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

const isoInstant = z.iso.datetime({ offset: true });

const preferredTimeSchema = z.strictObject({
  /** What the resident said, as they said it ("huomenna aamupäivällä"). */
  said: z.string().max(200),
  kind: z.enum(['time', 'asap', 'any', 'none']),
});

const callWindowSchema = z
  .strictObject({ start: isoInstant, end: isoInstant })
  .refine((window) => Date.parse(window.start) <= Date.parse(window.end), 'a call window must not end before it starts');

/** What a dialog hands over; the store adds the reference, the time and the status. */
export const callbackDraftSchema = z.strictObject({
  service: z.enum(SERVICE_IDS).nullable(),
  summary: z.string().max(SUMMARY_MAX_CHARS),
  // E.164: what services/callbacks/phone.ts gives.
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected a phone number in E.164 form'),
  preferredTime: preferredTimeSchema,
  window: callWindowSchema,
  urgent: z.boolean(),
  firstName: z.string().trim().min(1).max(FIRST_NAME_MAX_CHARS).optional(),
  language: z.literal('fi'),
  channel: z.string().min(1).max(100),
});

export const CALLBACK_STATUSES = ['new', 'claimed', 'closed'] as const;

/**
 * The life of a request: new (in the queue) → claimed (one staff member calls) → closed (outcome recorded,
 * deleted after the retention period). A claim can be released, or returns by itself after a timeout; a
 * closed request can be reopened. The fields each status needs are checked, so a hand-edited record that
 * mixes them is reported as corrupt rather than shown half-right.
 */
export const callbackRequestSchema = callbackDraftSchema
  .extend({
    ref: z.string().regex(CALLBACK_REF, 'expected a reference such as AKA-2026-000123'),
    createdAt: isoInstant,
    status: z.enum(CALLBACK_STATUSES),
    claimedBy: z.string().min(1).max(100).optional(),
    claimedAt: isoInstant.optional(),
    /** Kept through releases and reopening: the waiting time in the statistics ends at the first claim. */
    firstClaimedAt: isoInstant.optional(),
    closedBy: z.string().min(1).max(100).optional(),
    closedAt: isoInstant.optional(),
    outcome: z.enum(CALLBACK_OUTCOMES).optional(),
    /** Staff's own note on the call; kept when a request is reopened, replaced when it is closed again. */
    note: z.string().max(NOTE_MAX_CHARS).optional(),
  })
  .superRefine((request, context) => {
    const claimed = request.claimedBy !== undefined || request.claimedAt !== undefined;
    const closed = request.closedAt !== undefined || request.closedBy !== undefined || request.outcome !== undefined;
    const problem =
      request.status === 'new' && (claimed || closed)
        ? 'a new request has no claim and no outcome'
        : request.status === 'claimed' && (request.claimedBy === undefined || request.claimedAt === undefined || closed)
          ? 'a claimed request has claimedBy and claimedAt, and no outcome'
          : request.status === 'closed' && (request.closedAt === undefined || request.outcome === undefined)
            ? 'a closed request has closedAt and an outcome'
            : undefined;
    if (problem) context.addIssue({ code: 'custom', path: ['status'], message: problem });
  });

export type CallbackDraft = z.input<typeof callbackDraftSchema>;
export type CallbackRequest = z.output<typeof callbackRequestSchema>;
export type CallbackStatus = CallbackRequest['status'];
