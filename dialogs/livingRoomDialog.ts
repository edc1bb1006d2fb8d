import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { LivingRoomTexts } from '../services/livingRoom/livingRoomTexts';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import { buildChoices, createChoicePrompt } from './finnishPrompts';
import { InterruptibleDialog } from './interruptibleDialog';

const TOPIC_PROMPT = 'livingRoom.topic';
const STEPS = 'livingRoom.steps';

const TOPICS = [
  { topic: 'hours', label: 'livingRoom.choice.hours' },
  { topic: 'program', label: 'livingRoom.choice.program' },
  { topic: 'everydayHelp', label: 'livingRoom.choice.everydayHelp' },
  { topic: 'groups', label: 'livingRoom.choice.groups' },
  { topic: 'events', label: 'livingRoom.choice.events' },
  { topic: 'back', label: 'livingRoom.choice.back' },
] as const satisfies readonly { topic: string; label: MessageKey }[];
type Topic = (typeof TOPICS)[number]['topic'];

interface LivingRoomOptions {
  again?: boolean;
}

/** The living room: whether it is open now, opening hours, the week's programme, everyday help, groups, events. */
export class LivingRoomDialog extends InterruptibleDialog {
  static readonly id = 'livingRoom';
  private readonly texts: LivingRoomTexts;

  constructor(
    locale: Locale,
    private readonly clock: () => Date,
  ) {
    super(LivingRoomDialog.id, locale);
    this.texts = new LivingRoomTexts(locale.livingRoom, locale.messages);
    this.addDialog(createChoicePrompt(TOPIC_PROMPT, locale));
    this.addDialog(new WaterfallDialog(STEPS, [this.askTopic, this.tellTopic]));
    this.initialDialogId = STEPS;
  }

  private readonly askTopic = async (step: WaterfallStepContext<LivingRoomOptions>): Promise<DialogTurnResult> => {
    const { t } = this.locale.messages;
    const prompt = step.options.again
      ? t('livingRoom.more')
      : `${t('livingRoom.intro', { name: this.locale.livingRoom.name })} ${this.texts.openNow(this.clock())}\n\n${t('livingRoom.prompt')}`;
    return step.prompt(TOPIC_PROMPT, {
      prompt,
      retryPrompt: t('menu.retry'),
      choices: buildChoices(this.locale, TOPICS.map((item) => item.label)),
    });
  };

  private readonly tellTopic = async (step: WaterfallStepContext<LivingRoomOptions>): Promise<DialogTurnResult> => {
    const topic: Topic = TOPICS[(step.result as FoundChoice).index]!.topic;
    if (topic === 'back') return step.endDialog();
    await step.context.sendActivity(this.describe(topic));
    return step.replaceDialog(STEPS, { again: true } satisfies LivingRoomOptions);
  };

  private describe(topic: Exclude<Topic, 'back'>): string {
    const now = this.clock();
    switch (topic) {
      case 'hours':
        return this.texts.hours(now);
      case 'program':
        return this.texts.weeklyProgram();
      case 'everydayHelp':
        return this.texts.everydayHelp();
      case 'groups':
        return this.texts.groups();
      case 'events':
        return this.texts.events(now);
    }
  }
}
