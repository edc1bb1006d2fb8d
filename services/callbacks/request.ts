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

export const callbackRequestSchema = callbackDraftSchema.extend({
  ref: z.string().regex(CALLBACK_REF, 'expected a reference such as AKA-2026-000123'),
  createdAt: isoInstant,
  status: z.enum(['new', 'claimed', 'closed']),
  claimedBy: z.string().min(1).max(100).optional(),
  claimedAt: isoInstant.optional(),
  closedAt: isoInstant.optional(),
  outcome: z.enum(CALLBACK_OUTCOMES).optional(),
  note: z.string().max(NOTE_MAX_CHARS).optional(),
});

export type CallbackDraft = z.input<typeof callbackDraftSchema>;
export type CallbackRequest = z.output<typeof callbackRequestSchema>;
export type CallbackStatus = CallbackRequest['status'];
