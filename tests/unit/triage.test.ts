import { join } from 'node:path';
import { defaultLocalesDir } from '../../services/locales/locale';
import { TextClassifier } from '../../services/triage/classifier';
import { CrisisDetector, crisisPatternsSchema } from '../../services/triage/crisis';
import { DEFAULT_THRESHOLDS, Triage } from '../../services/triage/triage';
import { answerToTheBot } from '../../services/triage/triageData';

// A classifier that has only ever seen crises: its crisis vote is high on anything it knows a letter of.
const classifier = TextClassifier.train([
  { label: 'crisis', text: 'huomenna en ole enää täällä' },
  { label: 'crisis', text: 'haluan kuolla' },
  { label: 'kela', text: 'kela ei maksanut' },
]);
const detector = new CrisisDetector(
  crisisPatternsSchema.parse({ selfHarm: ['haluan kuolla'], violence: [], medical: [], poisoning: [], notCrisis: ['tapan aikaa'] }),
);
const isTime = (message: string) => message === 'huomenna kahden jälkeen' || message === 'huomenna haluan kuolla';
const triage = new Triage(classifier, detector, { ...DEFAULT_THRESHOLDS, crisis: 0, caution: 0 }, isTime);

describe('the crisis vote of the classifier, beside the patterns', () => {
  it('counts on a matter told', () => {
    expect(triage.assess('huomenna ei enää mitään').crisis).toBe('unspecified');
  });

  it('does not count on a short answer to a question, which the classifier never learned from', () => {
    const result = triage.assess('huomenna kahden jälkeen');
    expect(result.crisis).toBeUndefined();
    expect(result.caution).toBeUndefined();
  });

  it('leaves the patterns alone: a crisis said in a short answer still raises the alarm', () => {
    expect(triage.assess('huomenna haluan kuolla').crisis).toBe('selfHarm');
  });

  it('does not count on an everyday idiom', () => {
    expect(triage.assess('tapan aikaa').crisis).toBeUndefined();
  });
});

describe('an answer to one of the bot\'s questions, as the bot tells one from a matter', () => {
  const isAnswer = answerToTheBot(join(defaultLocalesDir(), 'fi'));

  it.each(['huomenna kahden jälkeen', 'ti klo 10', 'heti', 'milloin vain', 'perjantaina ennen kolmea', 'kymmenen ja kahdentoista välillä', 'Jokin muu asia', 'jokin muu asia!', 'Ohita', 'joo', 'Kyllä'])(
    '"%s" is one',
    (message) => {
      expect(isAnswer(message)).toBe(true);
    },
  );

  it.each([
    'huomenna menen sillalle ja se on siinä',
    'illalla otan kaikki pillerit',
    'tänä iltana kaikki loppuu',
    'illalla lapsi joi konetiskiainetta',
    'Aino',
    'en jaksa enää',
    'kela ei maksanut',
    'en halua elää',
  ])('"%s" is not', (message) => {
    expect(isAnswer(message)).toBe(false);
  });
});
