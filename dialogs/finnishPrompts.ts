import {
  ChoicePrompt,
  ConfirmPrompt,
  ListStyle,
  type Choice,
  type ChoiceFactoryOptions,
  type FoundChoice,
  type PromptValidatorContext,
} from 'botbuilder-dialogs';
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

/** After two misses, the retry also tells how to reach a person by phone. */
function offerPhoneAfterMisses<T>(locale: Locale) {
  return async (prompt: PromptValidatorContext<T>): Promise<boolean> => {
    if (prompt.recognized.succeeded) return true;
    if (prompt.attemptCount >= 2) await prompt.context.sendActivity(deskContactLine(locale, 'prompt.tooManyTries'));
    return false;
  };
}

/** A ChoicePrompt that speaks Finnish ("a, b tai c") and shows its choices as buttons. */
export function createChoicePrompt(id: string, locale: Locale): ChoicePrompt {
  const options = choiceOptions(locale);
  const prompt = new ChoicePrompt(id, offerPhoneAfterMisses<FoundChoice>(locale), PROMPT_CULTURE, {
    [PROMPT_CULTURE]: options,
    [FALLBACK_CULTURE]: options,
  });
  prompt.style = ListStyle.suggestedAction;
  return prompt;
}

/** A ConfirmPrompt with Finnish "Kyllä"/"Ei" buttons that also understands "joo", "juu", "en", … */
export function createConfirmPrompt(id: string, locale: Locale): ConfirmPrompt {
  const defaults = { choices: buildChoices(locale, ['confirm.yes', 'confirm.no']), options: choiceOptions(locale) };
  const prompt = new ConfirmPrompt(id, offerPhoneAfterMisses<boolean>(locale), PROMPT_CULTURE, {
    [PROMPT_CULTURE]: defaults,
    [FALLBACK_CULTURE]: defaults,
  });
  prompt.style = ListStyle.suggestedAction;
  return prompt;
}
