import { TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isServiceId, type ServiceId } from '../services/directory/directory';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import type { Triage } from '../services/triage/triage';
import { deskContactLine } from './deskContact';
import { buildChoices, createChoicePrompt, isFreeText } from './finnishPrompts';
import { InterruptibleDialog } from './interruptibleDialog';
import { serviceCard } from './serviceCard';
import { assessInTurn } from './turnTriage';

const MATTER_PROMPT = 'triage.matter';
const PICK_PROMPT = 'triage.pick';
const HELPED_PROMPT = 'triage.helped';
const NOTHING_FITS_PROMPT = 'triage.nothingFits';
const NOTHING_FITS_STEPS = 'triage.nothingFitsSteps';
const STEPS = 'triage.steps';

const AFTER_CARD = [
  { answer: 'helped', label: 'triage.choice.helped' },
  { answer: 'callback', label: 'triage.choice.callback' },
  { answer: 'other', label: 'triage.choice.other' },
] as const satisfies readonly { answer: string; label: MessageKey }[];

export interface TriageOptions {
  /** The matter in the resident's own words, when they already told it: they are not asked again. */
  matter?: string;
  /** Asking again after "Jokin muu asia". */
  again?: boolean;
}

interface TriageValues {
  /** The matter as told: carried into a callback request, so the resident is not asked it again. */
  matter?: string;
  /** Services offered as buttons when the bot was not sure, in the order shown. */
  candidates?: ServiceId[];
  /** The service shown. */
  service?: ServiceId;
}

/** How triage ended: with a callback request to file, or with nothing more to do. */
export interface TriageOutcome {
  callback?: { matter: string; service: ServiceId | null };
}

export function isTriageOutcome(value: unknown): value is TriageOutcome {
  return typeof value === 'object' && value !== null && 'callback' in value;
}

const NOTHING_FITS = [
  { answer: 'callback', label: 'triage.choice.callback' },
  { answer: 'other', label: 'triage.choice.other' },
] as const satisfies readonly { answer: string; label: MessageKey }[];

/**
 * "Tell your matter in your own words": works out the service that can help, shows it as a card and asks
 * whether it helped. When unsure it offers the likeliest services as buttons; when nothing fits it says so
 * and gives the way to a person.
 */
export class TriageDialog extends InterruptibleDialog {
  static readonly id = 'triage';

  constructor(
    locale: Locale,
    private readonly triage: Triage,
  ) {
    super(TriageDialog.id, locale);
    this.addDialog(new TextPrompt(MATTER_PROMPT));
    this.addDialog(createChoicePrompt(PICK_PROMPT, locale));
    this.addDialog(createChoicePrompt(HELPED_PROMPT, locale));
    // A new matter typed here instead of a button is a matter all the same.
    this.addDialog(createChoicePrompt(NOTHING_FITS_PROMPT, locale, { freeTextPicks: NOTHING_FITS.findIndex((item) => item.answer === 'other') }));
    this.addDialog(new WaterfallDialog(STEPS, [this.askMatter, this.assess, this.showService, this.afterCard]));
    this.addDialog(new WaterfallDialog(NOTHING_FITS_STEPS, [this.offerCallback, this.afterNothingFits]));
    this.initialDialogId = STEPS;
  }

  private readonly askMatter = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    if (step.options.matter) return step.next(step.options.matter);
    return step.prompt(MATTER_PROMPT, { prompt: this.locale.messages.t(step.options.again ? 'triage.tellMore' : 'triage.ask') });
  };

  private readonly assess = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    const matter = String(step.result ?? '');
    (step.values as TriageValues).matter = matter;
    const result = assessInTurn(step.context, this.triage, matter);
    if (result.confident && isServiceId(result.top.label)) return step.next(result.top.label);
    const candidates = result.candidates.map((candidate) => candidate.service).filter(isServiceId);
    if (candidates.length === 0) return this.nothingFits(step);
    (step.values as TriageValues).candidates = candidates;
    const { t } = this.locale.messages;
    return step.prompt(PICK_PROMPT, {
      prompt: t('triage.unsure'),
      retryPrompt: t('menu.retry'),
      choices: [
        ...candidates.map((id) => ({ value: this.locale.services.get(id).name })),
        ...buildChoices(this.locale, ['triage.choice.noneOfThese']),
      ],
    });
  };

  private readonly showService = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    const candidates = (step.values as TriageValues).candidates;
    const service = candidates ? candidates[(step.result as FoundChoice).index] : (step.result as ServiceId);
    if (!service) return this.nothingFits(step);
    (step.values as TriageValues).service = service;
    const { t } = this.locale.messages;
    await step.context.sendActivities([
      { type: 'message', text: t('triage.found') },
      { type: 'message', attachments: [serviceCard(this.locale, this.locale.services.get(service))] },
    ]);
    return step.prompt(HELPED_PROMPT, {
      prompt: t('triage.didItHelp'),
      retryPrompt: t('menu.retry'),
      choices: buildChoices(
        this.locale,
        AFTER_CARD.map((item) => item.label),
      ),
    });
  };

  private readonly afterCard = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    switch (AFTER_CARD[(step.result as FoundChoice).index]!.answer) {
      case 'helped':
        await step.context.sendActivity(t('triage.glad'));
        return step.endDialog();
      case 'callback': {
        const { matter = '', service = null } = step.values as TriageValues;
        return step.endDialog({ callback: { matter, service } } satisfies TriageOutcome);
      }
      case 'other':
        return step.replaceDialog(STEPS, { again: true } satisfies TriageOptions);
    }
  };

  /** Nothing fits: said honestly, with the desk's number and the offer of a callback or another matter. */
  private async nothingFits(step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> {
    return step.replaceDialog(NOTHING_FITS_STEPS, { matter: (step.values as TriageValues).matter ?? '' });
  }

  private readonly offerCallback = async (step: WaterfallStepContext<{ matter: string }>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    await step.context.sendActivities([
      { type: 'message', text: t('triage.nothingFits') },
      { type: 'message', text: deskContactLine(this.locale) },
    ]);
    return step.prompt(NOTHING_FITS_PROMPT, {
      prompt: t('triage.offerCallback'),
      retryPrompt: t('menu.retry'),
      choices: buildChoices(
        this.locale,
        NOTHING_FITS.map((item) => item.label),
      ),
    });
  };

  private readonly afterNothingFits = async (step: WaterfallStepContext<{ matter: string }>): Promise<DialogTurnResult> => {
    const chosen = step.result as FoundChoice;
    if (isFreeText(chosen)) return step.replaceDialog(STEPS, { matter: step.context.activity.text ?? '' } satisfies TriageOptions);
    if (NOTHING_FITS[chosen.index]!.answer === 'callback') {
      return step.endDialog({ callback: { matter: step.options.matter, service: null } } satisfies TriageOutcome);
    }
    return step.replaceDialog(STEPS, { again: true } satisfies TriageOptions);
  };
}
