import { TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Locale } from '../services/locales/locale';
import type { Logger } from '../services/logging/logger';
import { SUGGESTION_MAX_CHARS, type SuggestionStore } from '../services/suggestions/suggestionStore';
import { deskContactLine } from './deskContact';
import { InterruptibleDialog } from './interruptibleDialog';

const IDEA_PROMPT = 'suggestion.idea';
const STEPS = 'suggestion.steps';

export interface SuggestionDeps {
  /** Where ideas go; undefined when the bot runs without Redis. */
  suggestions?: Pick<SuggestionStore, 'add'>;
  clock: () => Date;
  logger?: Logger;
}

/**
 * "Jätä aloite": an idea for the living room's activities, left anonymously as in the old suggestion box.
 * No name or number is asked; the idea is stored with its time and channel for staff to read.
 */
export class SuggestionDialog extends InterruptibleDialog {
  static readonly id = 'suggestion';

  constructor(
    locale: Locale,
    private readonly deps: SuggestionDeps,
  ) {
    super(SuggestionDialog.id, locale);
    this.addDialog(new TextPrompt(IDEA_PROMPT));
    this.addDialog(new WaterfallDialog(STEPS, [this.askIdea, this.save]));
    this.initialDialogId = STEPS;
  }

  private readonly askIdea = async (step: WaterfallStepContext): Promise<DialogTurnResult> =>
    step.prompt(IDEA_PROMPT, { prompt: this.locale.messages.t('suggestion.ask') });

  private readonly save = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    // Identity codes, account and card numbers are already gone (ResidentInputMiddleware); the store masks again.
    const text = String(step.result ?? '');
    try {
      if (!this.deps.suggestions) throw new Error('suggestions need Redis (REDIS_URL), and it is not configured');
      await this.deps.suggestions.add({ text: text.trim().slice(0, SUGGESTION_MAX_CHARS), channel: step.context.activity.channelId || 'unknown', now: this.deps.clock() });
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'suggestion not stored');
      await step.context.sendActivities([
        { type: 'message', text: t('suggestion.failed') },
        { type: 'message', text: deskContactLine(this.locale) },
      ]);
      return step.endDialog();
    }
    await step.context.sendActivity(t('suggestion.saved'));
    return step.endDialog();
  };
}
