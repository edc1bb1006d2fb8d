import {
  ChoicePrompt,
  ConfirmPrompt,
  ListStyle,
  type Choice,
  type ChoiceFactoryOptions,
  type FoundChoice,
  type PromptOptions,
  type PromptValidatorContext,
} from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';
import { deskContactLine } from './deskContact';

/** The culture every prompt runs in; the locale middleware sets it on each incoming activity. */
export const PROMPT_CULTURE = 'fi-fi';
// botbuilder falls back to 'en-us' defaults for a culture it does not know; that fallback must be Finnish too.
const FALLBACK_CULTURE = 'en-us';

function choiceOptions(locale: Locale): ChoiceFactoryOptions {
  const { t } = locale.messages;
  return { inlineSeparator: t('list.separator'), inlineOr: t('list.or'), inlineOrMore: t('list.or'), includeNumbers: true };
}

/** Buttons for a prompt: the label is what the button shows and sends; synonyms come from choices.json. */
export function buildChoices(locale: Locale, keys: readonly MessageKey[]): Choice[] {
  return keys.map((key) => ({ value: locale.messages.t(key), synonyms: [...(locale.choiceSynonyms[key] ?? [])] }));
}

/** botbuilder counts a prompt's attempts only when it has a validator: this one just passes the recognition on. */
function countAttempts<T>(prompt: PromptValidatorContext<T>): Promise<boolean> {
  return Promise.resolve(prompt.recognized.succeeded);
}

/**
 * From the second miss on, the retry prompt comes after a line that tells how to reach a person by phone.
 * It is sent here, just before the retry, and not from the validator: a prompt does not send its retry
 * prompt (question and buttons) in a turn that has already replied.
 */
async function offerPhoneAfterMisses(context: TurnContext, state: object, isRetry: boolean, locale: Locale): Promise<void> {
  const attempts = (state as { attemptCount?: number }).attemptCount ?? 0;
  if (isRetry && attempts >= 2) await context.sendActivity(deskContactLine(locale, 'prompt.tooManyTries'));
}

class FinnishChoicePrompt extends ChoicePrompt {
  constructor(
    id: string,
    private readonly deskLocale: Locale,
  ) {
    super(id, countAttempts<FoundChoice>, PROMPT_CULTURE, {
      [PROMPT_CULTURE]: choiceOptions(deskLocale),
      [FALLBACK_CULTURE]: choiceOptions(deskLocale),
    });
    this.style = ListStyle.suggestedAction;
  }

  protected override async onPrompt(context: TurnContext, state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    await offerPhoneAfterMisses(context, state, isRetry, this.deskLocale);
    await super.onPrompt(context, state, options, isRetry);
  }
}

class FinnishConfirmPrompt extends ConfirmPrompt {
  constructor(
    id: string,
    private readonly deskLocale: Locale,
  ) {
    const defaults = { choices: buildChoices(deskLocale, ['confirm.yes', 'confirm.no']), options: choiceOptions(deskLocale) };
    super(id, countAttempts<boolean>, PROMPT_CULTURE, { [PROMPT_CULTURE]: defaults, [FALLBACK_CULTURE]: defaults });
    this.style = ListStyle.suggestedAction;
  }

  protected override async onPrompt(context: TurnContext, state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    await offerPhoneAfterMisses(context, state, isRetry, this.deskLocale);
    await super.onPrompt(context, state, options, isRetry);
  }
}

/** A ChoicePrompt that speaks Finnish ("a, b tai c") and shows its choices as buttons. */
export function createChoicePrompt(id: string, locale: Locale): ChoicePrompt {
  return new FinnishChoicePrompt(id, locale);
}

/** A ConfirmPrompt with Finnish "Kyllä"/"Ei" buttons that also understands "joo", "juu", "en", … */
export function createConfirmPrompt(id: string, locale: Locale): ConfirmPrompt {
  return new FinnishConfirmPrompt(id, locale);
}
