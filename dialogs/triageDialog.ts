import { TextPrompt, WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isServiceId, type ServiceId } from '../services/directory/directory';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import type { Triage } from '../services/triage/triage';
import { deskContactLine } from './deskContact';
import { buildChoices, createChoicePrompt } from './finnishPrompts';
import { InterruptibleDialog } from './interruptibleDialog';
import { serviceCard } from './serviceCard';

const MATTER_PROMPT = 'triage.matter';
const PICK_PROMPT = 'triage.pick';
const HELPED_PROMPT = 'triage.helped';
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
  /** Services offered as buttons when the bot was not sure, in the order shown. */
  candidates?: ServiceId[];
}

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
    this.addDialog(new WaterfallDialog(STEPS, [this.askMatter, this.assess, this.showService, this.afterCard]));
    this.initialDialogId = STEPS;
  }

  private readonly askMatter = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    if (step.options.matter) return step.next(step.options.matter);
    return step.prompt(MATTER_PROMPT, { prompt: this.locale.messages.t(step.options.again ? 'triage.tellMore' : 'triage.ask') });
  };

  private readonly assess = async (step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> => {
    const result = this.triage.assess(String(step.result ?? ''));
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
      case 'callback':
        // Callback requests are filed here once that dialog exists (issue 4); until then, the phone number.
        await step.context.sendActivities([
          { type: 'message', text: t('callback.notYetAvailable') },
          { type: 'message', text: deskContactLine(this.locale) },
        ]);
        return step.endDialog();
      case 'other':
        return step.replaceDialog(STEPS, { again: true } satisfies TriageOptions);
    }
  };

  private async nothingFits(step: WaterfallStepContext<TriageOptions>): Promise<DialogTurnResult> {
    await step.context.sendActivities([
      { type: 'message', text: this.locale.messages.t('triage.nothingFits') },
      { type: 'message', text: deskContactLine(this.locale) },
    ]);
    return step.endDialog();
  }
}
