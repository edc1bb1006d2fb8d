import { ActivityHandler, ActivityTypes, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { DialogRunner } from '../dialogs/dialogRunner';
import type { Locale } from '../services/locales/locale';

/** Web Chat sends this event when its page opens (issue 6 serves that page). */
const WEB_CHAT_JOIN = 'webchat/join';

/**
 * The Apu ku apu bot: welcomes a resident once per conversation (an automated assistant; never type your
 * personal identity code), then hands every message to the dialogs, and saves the conversation's state once
 * at the end of a turn that succeeded.
 */
export class HelpDeskBot extends ActivityHandler {
  private readonly welcomed: StatePropertyAccessor<boolean>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly dialogs: DialogRunner,
    private readonly locale: Locale,
  ) {
    super();
    this.welcomed = conversationState.createProperty<boolean>('welcomed');

    this.onMembersAdded(async (context, next) => {
      const someoneElseJoined = (context.activity.membersAdded ?? []).some((member) => member.id !== context.activity.recipient?.id);
      if (someoneElseJoined) await this.welcome(context);
      await next();
    });
    this.onEvent(async (context, next) => {
      if (context.activity.name === WEB_CHAT_JOIN) await this.welcome(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      if (await this.welcomed.get(context, false)) await this.dialogs.continue(context);
      else await this.welcome(context, true);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }

  private async welcome(context: TurnContext, openedByMessage = false): Promise<void> {
    if (await this.welcomed.get(context, false)) return;
    const { t } = this.locale.messages;
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: [t('welcome.greeting'), t('welcome.automated'), t('welcome.privacy'), t('welcome.human')].join('\n\n'),
    });
    await this.welcomed.set(context, true);
    await this.dialogs.start(context, { openedByMessage });
  }
}
