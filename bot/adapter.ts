import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ConversationState,
  type TurnContext,
} from 'botbuilder';
import { deskContactLine } from '../dialogs/deskContact';
import type { Locale } from '../services/locales/locale';
import type { Logger } from '../services/logging/logger';
import type { Config } from './config';

/** Bot Framework authentication: JWT-validated when an app id is set, anonymous (local use only) otherwise. */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const credentials = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  };
  if (!config.MicrosoftAppId) {
    logger.warn('MicrosoftAppId is not set: /api/messages accepts unauthenticated requests. Use this only locally or behind your own gateway.');
  }
  const auth = new ConfigurationBotFrameworkAuthentication(credentials, new ConfigurationServiceClientCredentialFactory(credentials));
  return new CloudAdapter(auth);
}

export type TurnErrorHandler = (context: TurnContext, error: Error) => Promise<void>;

/**
 * When a turn fails: log it (personal data masked by the logger), tell the resident plainly in Finnish with
 * the desk's phone number, and clear only this conversation's state so that its next message starts afresh.
 * No detail of the error ever reaches the resident.
 */
export function createTurnErrorHandler(conversationState: ConversationState, locale: Locale, logger: Logger): TurnErrorHandler {
  return async (context, error) => {
    const { activity } = context;
    logger.error({ err: error, channelId: activity.channelId, conversationId: activity.conversation?.id, activityType: activity.type }, 'turn failed');
    try {
      await context.sendActivities([
        { type: ActivityTypes.Message, text: locale.messages.t('error.apology') },
        { type: ActivityTypes.Message, text: deskContactLine(locale, 'error.callDesk') },
      ]);
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not tell the resident about a failed turn');
    }
    try {
      await conversationState.delete(context);
    } catch (deleteError) {
      logger.error({ err: deleteError, conversationId: activity.conversation?.id }, 'could not clear the state of a failed conversation');
    }
  };
}
