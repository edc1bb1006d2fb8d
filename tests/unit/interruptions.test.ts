import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLocalesDir } from '../../services/locales/locale';
import { InterruptionRecognizer, normalizeFinnish, type Interruption } from '../../services/understanding/interruptions';
import { finnish } from '../support/botTestKit';

const recognizer = new InterruptionRecognizer(finnish().interruptions);

const everyday: Record<Interruption, string[]> = {
  help: ['en tajuu', 'apua kiitos', 'apua', 'Apua!', 'APUA!!!', 'ohje', 'Ohjeet?', 'help', 'en ymmärrä', 'en ymmarra', 'Miten tää toimii?', 'miten taa toimii', 'mitä tässä voi tehdä?', 'en osaa…'],
  human: [
    'ihminen',
    'Ihminen!',
    'haluun puhua ihmiselle',
    'Voisinko puhua ihmisen kanssa?',
    'haluan puhua oikealle ihmiselle kiitos',
    'oikea ihminen',
    'Saanko puhua työntekijän kanssa',
    'saanko puhua tyontekijan kanssa',
    'asiakaspalvelu',
    'ihminen kiitos',
    'No ihminen, kiitos!',
    'haluun puhuu ihmisen kaa',
    'kela ei maksa, haluan puhua ihmiselle',
  ],
  urgentCallback: ['Pyydä kiireellinen soitto', 'kiireellinen soitto', 'soittakaa heti', 'voitteko soittaa mulle heti', 'tarvin kiireellisen soiton'],
  callback: ['soittakaa minulle', 'Soittakaa mulle!', 'voitteko soittaa minulle?', 'soita mulle', 'haluan jättää soittopyynnön', 'soittopyynto', 'Pyydän soittoa takaisin.', 'kela ei maksa, soittakaa minulle'],
  restart: ['alusta', 'Alusta.', 'aloitetaan alusta', 'aloitetaan alusta!!', 'alotetaan alusta', 'päävalikko', 'paavalikko', 'PÄÄVALIKKO', 'takaisin alkuun', 'takasin alkuun', 'voidaanko aloittaa, aloitetaanko alusta'],
  cancel: ['peruuta', 'Peruuta!', 'PERUUTA', 'peru', 'keskeytä', 'keskeyta', 'unohda se', 'anna olla', 'peruuta tämä', 'peruuta tama kiitos'],
  quit: ['lopeta', 'Lopeta.', 'heippa!', 'moikka', 'Kiitos ja hei!', 'näkemiin', 'nakemiin', 'lopetetaan keskustelu nyt', 'hei hei'],
};

describe('InterruptionRecognizer with the real Finnish phrases', () => {
  for (const [interruption, forms] of Object.entries(everyday) as [Interruption, string[]][]) {
    it.each(forms)(`recognises ${interruption} in "%s"`, (form) => {
      expect(recognizer.recognize(form)).toBe(interruption);
    });
  }

  it.each([
    'tarvitsen apua kelan kanssa',
    'kela ei oo maksanu',
    'apua kelan kanssa',
    'Tarvitsen ohjeet vuokran maksuun',
    'ihmiset on kivoja',
    'soitin eilen mutta kukaan ei vastannut',
    'peruutin ajan terveyskeskukseen',
    'en halua aloittaa mitään alusta enää',
    'en halua puhua ihmiselle',
    'en haluu puhua ihmisen kanssa, kerron itse',
    'ei tarvitse soittaa minulle',
    'älä soita mulle',
    'kela ei soita minulle takaisin',
    'miksi te ette soita mulle',
    'he eivät soita minulle koskaan',
    'kiitos hei hei'.replace(' hei hei', ''),
    'hei',
    'kiitos',
    '',
    '!!!',
  ])('does not treat "%s" as an interruption', (message) => {
    expect(recognizer.recognize(message)).toBeUndefined();
  });

  it('when a message matches more than one, the earlier in INTERRUPTIONS wins (callback before human)', () => {
    expect(recognizer.recognize('haluan puhua ihmiselle, voitteko soittaa minulle')).toBe('callback');
  });
});

describe('no button is an interruption', () => {
  const messages = JSON.parse(readFileSync(join(defaultLocalesDir(), 'fi', 'messages.json'), 'utf8')) as Record<string, string>;
  const buttonKeys = Object.keys(messages).filter((key) => /^(menu|livingRoom)\.choice\./.test(key) || key === 'confirm.yes' || key === 'confirm.no');

  it('finds every menu, living-room and confirm button label', () => {
    expect(buttonKeys).toEqual(
      expect.arrayContaining(['menu.choice.matter', 'menu.choice.callback', 'menu.choice.livingRoom', 'menu.choice.suggestion', 'livingRoom.choice.back', 'confirm.yes', 'confirm.no']),
    );
    expect(buttonKeys.length).toBeGreaterThanOrEqual(12);
  });

  it.each(Object.keys(messages).filter((key) => /^(menu|livingRoom)\.choice\./.test(key) || key === 'confirm.yes' || key === 'confirm.no'))(
    'the button %s is not recognised as an interruption',
    (key) => {
      const label = messages[key]!;
      expect(recognizer.recognize(label)).toBeUndefined();
      expect(recognizer.recognize(label.toLowerCase())).toBeUndefined();
    },
  );
});

describe('normalizeFinnish', () => {
  it('lower-cases, folds ä/ö/å to a/o, drops punctuation and emoji and folds white space', () => {
    expect(normalizeFinnish('  Päävalikko!! 😊  Öljy,   Åbo? ')).toBe('paavalikko oljy abo');
  });
});
