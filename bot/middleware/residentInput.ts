import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Locale } from '../../services/locales/locale';
import { maskSensitive } from '../../services/privacy/mask';
import { PROMPT_CULTURE } from '../../dialogs/finnishPrompts';

/**
 * First look at every message a resident sends, before any dialog or storage sees it:
 * - a personal identity code, an account number (IBAN) or a card number is removed from the text, and the
 *   resident is told so;
 * - text over the limit, or a message with no text at all, gets a polite reply and goes no further;
 * - the turn runs in Finnish whatever locale the client sent (the Emulator sends en-US), so prompts do too.
 */
export class ResidentInputMiddleware implements Middleware {
  constructor(
    private readonly locale: Locale,
    private readonly maxMessageChars: number,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    activity.locale = PROMPT_CULTURE;
    if (activity.type !== ActivityTypes.Message) return next();
    const { t } = this.locale.messages;
    const text = typeof activity.text === 'string' ? activity.text : '';

    const masked = maskSensitive(text);
    if (masked.found.length > 0) {
      activity.text = masked.text;
      // The identity code has a sentence of its own: residents are told never to type it here.
      const onlyIdentityCodes = masked.found.every((kind) => kind === 'personalId');
      await context.sendActivity(t(onlyIdentityCodes ? 'privacy.personalIdRemoved' : 'privacy.sensitiveRemoved'));
    }
    if ([...text].length > this.maxMessageChars) {
      await context.sendActivity(t('input.tooLong', { max: this.maxMessageChars }));
      return;
    }
    if (text.trim() === '' && activity.value === undefined) {
      const hasAttachments = Array.isArray(activity.attachments) && activity.attachments.length > 0;
      await context.sendActivity(t(hasAttachments ? 'input.notText' : 'input.empty'));
      return;
    }
    return next();
  }
}
