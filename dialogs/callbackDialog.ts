import { createHash, randomUUID } from 'node:crypto';
import { TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { CallbackStore } from '../services/callbacks/callbackStore';
import { parseResidentPhone } from '../services/callbacks/phone';
import { FIRST_NAME_MAX_CHARS, SUMMARY_MAX_CHARS, type CallbackDraft } from '../services/callbacks/request';
import type { ServiceId } from '../services/directory/directory';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import type { Logger } from '../services/logging/logger';
import { callbackWindow, formatCallbackWindow, type CallbackWindow, type OfficeHours } from '../services/time/callbackWindow';
import { FinnishTimeParser, type TimeRequest } from '../services/time/finnishTime';
import { deskContactLine } from './deskContact';
import { buildChoices, createChoicePrompt, createConfirmPrompt, isFreeText } from './finnishPrompts';
import { CALLBACK_DIALOG, InterruptibleDialog, type CallbackState } from './interruptibleDialog';

const MATTER_PROMPT = 'callback.matter';
const PHONE_PROMPT = 'callback.phone';
const PHONE_CONFIRM = 'callback.phoneConfirm';
const TIME_PROMPT = 'callback.time';
const NAME_PROMPT = 'callback.name';
const CONSENT_PROMPT = 'callback.consent';
const STEPS = 'callback.steps';
const PHONE_STEPS = 'callback.phoneSteps';
const TIME_STEPS = 'callback.timeSteps';

/** Wrong numbers allowed before the desk's own number is given instead of asking again. */
const PHONE_TRIES = 3;
const TIME_CHOICES: readonly MessageKey[] = ['callback.choice.asap', 'callback.choice.lateMorning', 'callback.choice.afternoon', 'callback.choice.any'];
const SKIP_NAME: readonly MessageKey[] = ['callback.choice.skipName'];

/** What the callback dialog needs besides the words: where requests go, the desk's hours, the time. */
export interface CallbackDeps {
  /** Where requests are filed; undefined when the bot runs without Redis (then nothing can be promised). */
  requests?: Pick<CallbackStore, 'create'>;
  officeHours: OfficeHours;
  retentionDays: number;
  clock: () => Date;
  logger?: Logger;
}

export interface CallbackOptions {
  /** The matter in the resident's own words, when triage already heard it: not asked again. */
  matter?: string;
  service?: ServiceId | null;
  /** Asked for from a crisis reply: first in the staff queue, and no question of when. */
  urgent?: boolean;
}

interface CallbackValues {
  /** One confirmation, one request: a repeated save of this dialog gives the same reference. */
  requestId: string;
  summary: string;
  phone?: { e164: string; display: string };
  preferredTime?: { said: string; kind: TimeRequest['kind'] };
  /** The time as understood when it was said ("huomenna" means the day after that moment, not after saving). */
  requested?: { kind: TimeRequest['kind']; start?: string; end?: string };
  firstName?: string;
}

interface PhoneValues {
  phone?: { e164: string; display: string };
}

interface PhoneOptions {
  /** Wrong numbers so far. */
  tries: number;
  retry?: 'invalid' | 'again';
}

/**
 * A callback request in a few friendly steps, in place of the living room's suggestion box: the matter
 * (unless triage heard it), the phone number read back, a preferred time, an optional first name, consent,
 * and a reference with the window in which the desk will call — shown only once Redis has stored it.
 */
export class CallbackDialog extends InterruptibleDialog {
  static readonly id = CALLBACK_DIALOG;
  private readonly times: FinnishTimeParser;

  constructor(
    locale: Locale,
    private readonly deps: CallbackDeps,
  ) {
    super(CallbackDialog.id, locale);
    this.times = new FinnishTimeParser(locale.time);
    this.addDialog(new TextPrompt(MATTER_PROMPT));
    this.addDialog(new TextPrompt(PHONE_PROMPT));
    this.addDialog(createConfirmPrompt(PHONE_CONFIRM, locale));
    this.addDialog(createChoicePrompt(TIME_PROMPT, locale, { freeTextPicks: 0, ownWords: true }));
    this.addDialog(createChoicePrompt(NAME_PROMPT, locale, { freeTextPicks: 0, ownWords: true }));
    this.addDialog(createConfirmPrompt(CONSENT_PROMPT, locale));
    this.addDialog(new WaterfallDialog(PHONE_STEPS, [this.askPhone, this.checkPhone, this.phoneConfirmed]));
    this.addDialog(new WaterfallDialog(TIME_STEPS, [this.askTime, this.readTime]));
    this.addDialog(new WaterfallDialog(STEPS, [this.askMatter, this.phone, this.time, this.askName, this.askConsent, this.save]));
    this.initialDialogId = STEPS;
  }

  private values(step: WaterfallStepContext): CallbackValues {
    return step.values as CallbackValues;
  }

  override async beginDialog(outerDc: DialogContext, options?: CallbackOptions): Promise<DialogTurnResult> {
    (outerDc.activeDialog!.state as CallbackState).urgent = options?.urgent === true;
    return super.beginDialog(outerDc, options);
  }

  /** Urgent from the start, or made urgent on the way by the crisis reply's button (see InterruptibleDialog). */
  private isUrgent(step: WaterfallStepContext): boolean {
    for (let dc: DialogContext | undefined = step.parent; dc; dc = dc.parent) {
      if (dc.activeDialog?.id === CallbackDialog.id) return (dc.activeDialog.state as CallbackState).urgent === true;
    }
    return false;
  }

  private readonly askMatter = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    this.values(step).requestId = randomUUID();
    await step.context.sendActivity(t(step.options.urgent ? 'callback.urgentIntro' : 'callback.intro'));
    if (step.options.matter) return step.next(step.options.matter);
    return step.prompt(MATTER_PROMPT, { prompt: t('callback.askMatter') });
  };

  private readonly phone = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    // Identity codes, account and card numbers are already gone (ResidentInputMiddleware); the store masks again.
    const matter = String(step.result ?? '').trim();
    this.values(step).summary = matter.slice(0, SUMMARY_MAX_CHARS);
    if (matter.length > SUMMARY_MAX_CHARS) await step.context.sendActivity(this.locale.messages.t('callback.summaryShortened'));
    return step.beginDialog(PHONE_STEPS, { tries: 0 } satisfies PhoneOptions);
  };

  private readonly askPhone = async (step: WaterfallStepContext<PhoneOptions>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    const { retry } = step.options;
    return step.prompt(PHONE_PROMPT, { prompt: retry === 'invalid' ? t('callback.phoneRetry') : retry === 'again' ? t('callback.askPhoneAgain') : t('callback.askPhone') });
  };

  private readonly checkPhone = async (step: WaterfallStepContext<PhoneOptions>): Promise<DialogTurnResult> => {
    const parsed = parseResidentPhone(String(step.result ?? ''));
    if (!parsed.ok) {
      const tries = step.options.tries + 1;
      if (tries >= PHONE_TRIES) {
        await step.context.sendActivities([
          { type: 'message', text: this.locale.messages.t('callback.phoneGiveUp') },
          { type: 'message', text: deskContactLine(this.locale) },
        ]);
        return step.endDialog();
      }
      return step.replaceDialog(PHONE_STEPS, { tries, retry: 'invalid' } satisfies PhoneOptions);
    }
    (step.values as PhoneValues).phone = { e164: parsed.e164, display: parsed.display };
    return step.prompt(PHONE_CONFIRM, {
      prompt: this.locale.messages.t('callback.confirmPhone', { phone: parsed.display }),
      retryPrompt: this.locale.messages.t('callback.confirmPhone', { phone: parsed.display }),
    });
  };

  private readonly phoneConfirmed = async (step: WaterfallStepContext<PhoneOptions>): Promise<DialogTurnResult> => {
    if (step.result === true) return step.endDialog((step.values as PhoneValues).phone);
    return step.replaceDialog(PHONE_STEPS, { tries: step.options.tries, retry: 'again' } satisfies PhoneOptions);
  };

  private readonly time = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    const phone = step.result as CallbackValues['phone'];
    // Three wrong numbers: the desk's number was given, and nothing is filed.
    if (!phone) return step.endDialog();
    this.values(step).phone = phone;
    // An urgent call is made as soon as the desk can: no question of when.
    if (this.isUrgent(step)) return step.next({ said: '', kind: 'asap' });
    return step.beginDialog(TIME_STEPS, { retry: false });
  };

  private readonly askTime = async (step: WaterfallStepContext<{ retry: boolean }>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    return step.prompt(TIME_PROMPT, {
      prompt: t(step.options.retry ? 'callback.timeRetry' : 'callback.askTime'),
      retryPrompt: t('callback.timeRetry'),
      choices: buildChoices(this.locale, TIME_CHOICES),
    });
  };

  private readonly readTime = async (step: WaterfallStepContext<{ retry: boolean }>): Promise<DialogTurnResult> => {
    const chosen = step.result as FoundChoice;
    // A button's words are Finnish time words too ("Aamupäivällä", "Milloin vain"): one parser reads both.
    const said = isFreeText(chosen) ? (step.context.activity.text ?? '').trim() : chosen.value;
    const request = this.times.parse(said, this.deps.clock());
    // Not understood once: asked again. Twice: the words are kept for staff and the soonest window is used.
    if (request.kind === 'none' && !step.options.retry) return step.replaceDialog(TIME_STEPS, { retry: true });
    const requested = request.kind === 'time' ? { kind: request.kind, start: request.start.toISOString(), end: request.end.toISOString() } : { kind: request.kind };
    return step.endDialog({ said: said.slice(0, 200), kind: request.kind, requested });
  };

  private readonly askName = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    const { said, kind, requested } = step.result as NonNullable<CallbackValues['preferredTime']> & { requested?: CallbackValues['requested'] };
    this.values(step).preferredTime = { said, kind };
    this.values(step).requested = requested ?? { kind };
    const { t } = this.locale.messages;
    return step.prompt(NAME_PROMPT, { prompt: t('callback.askName'), retryPrompt: t('callback.askName'), choices: buildChoices(this.locale, SKIP_NAME) });
  };

  private readonly askConsent = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    const chosen = step.result as FoundChoice;
    if (isFreeText(chosen)) this.values(step).firstName = firstNameFrom(step.context.activity.text ?? '');
    const { t } = this.locale.messages;
    await step.context.sendActivity(t('callback.consent', { days: String(this.deps.retentionDays) }));
    return step.prompt(CONSENT_PROMPT, { prompt: t('callback.consentQuestion'), retryPrompt: t('callback.consentQuestion') });
  };

  private readonly save = async (step: WaterfallStepContext<CallbackOptions>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    if (step.result !== true) {
      await step.context.sendActivities([
        { type: 'message', text: t('callback.notSaved') },
        { type: 'message', text: deskContactLine(this.locale) },
      ]);
      return step.endDialog();
    }
    const values = this.values(step);
    const now = this.deps.clock();
    const urgent = this.isUrgent(step);
    const preferred = values.preferredTime ?? { said: '', kind: 'asap' as const };
    const requested = values.requested ?? { kind: preferred.kind };
    let ref: string;
    let window: CallbackWindow;
    try {
      window = callbackWindow(
        requested.kind === 'time' && requested.start && requested.end ? { kind: 'time', start: new Date(requested.start), end: new Date(requested.end) } : { kind: requested.kind === 'time' ? 'none' : requested.kind },
        now,
        this.deps.officeHours,
      );
      const draft: CallbackDraft = {
        service: step.options.service ?? null,
        summary: values.summary,
        phone: values.phone!.e164,
        preferredTime: preferred,
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
        urgent,
        ...(values.firstName ? { firstName: values.firstName } : {}),
        language: 'fi',
        channel: step.context.activity.channelId || 'unknown',
      };
      if (!this.deps.requests) throw new Error('callback requests need Redis (REDIS_URL), and it is not configured');
      // One confirmation of one conversation files one request; the id is hashed, as channels' ids can be long.
      const conversation = createHash('sha256').update(step.context.activity.conversation?.id ?? 'unknown').digest('base64url');
      ({ ref } = await this.deps.requests.create(draft, { idempotencyKey: `${conversation}:${values.requestId}`, now }));
    } catch (error) {
      // Never a reference for a request that was not stored: an apology and the desk's number instead.
      this.deps.logger?.error({ err: error }, 'callback request not stored');
      await step.context.sendActivities([
        { type: 'message', text: t('callback.failed') },
        { type: 'message', text: deskContactLine(this.locale) },
      ]);
      return step.endDialog();
    }
    const lines = [t('callback.saved', { ref }), t('callback.window', { window: formatCallbackWindow(window, this.locale.time) })];
    if (urgent) lines.push(t('callback.urgentNote', { phone: this.locale.urgent.get('hatanumero')!.phone }));
    await step.context.sendActivities(lines.map((text) => ({ type: 'message', text })));
    return step.endDialog();
  };
}

/** What the resident typed as a name, trimmed; a whole sentence gives its first word. */
function firstNameFrom(typed: string): string | undefined {
  const name = typed.trim().replace(/\s+/g, ' ');
  const kept = name.length <= FIRST_NAME_MAX_CHARS ? name : (name.split(' ')[0] ?? '').slice(0, FIRST_NAME_MAX_CHARS);
  return kept || undefined;
}
