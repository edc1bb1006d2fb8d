import { join } from 'node:path';
import { readDataFile } from '../../services/locales/dataFile';
import { defaultLocalesDir } from '../../services/locales/locale';
import { CrisisDetector, crisisPatternsSchema, type CrisisKind } from '../../services/triage/crisis';

const detector = new CrisisDetector(readDataFile(join(defaultLocalesDir(), 'fi', 'triage'), 'crisis.json', crisisPatternsSchema));

describe('crisis detection with the real Finnish patterns', () => {
  it.each<[CrisisKind, string]>([
    ['selfHarm', 'mietin itsemurhaa'],
    ['selfHarm', 'Haluun kuolla.'],
    ['selfHarm', 'en jaksa enää elää'],
    ['selfHarm', 'en jaksa enaa elaa'],
    ['selfHarm', 'kaikki ois helpompaa ilman mua'],
    ['selfHarm', 'oon säästäny lääkkeitä'],
    ['selfHarm', 'viiltelen taas'],
    ['selfHarm', 'mulla on itsetuhoisia ajatuksia'],
    ['selfHarm', 'ostin köyden'],
    ['violence', 'mies uhkaa tappaa mut'],
    ['violence', 'mua lyödään kotona'],
    ['violence', 'joku uhkailee puukolla'],
    ['violence', 'se lyö mua'],
    ['medical', 'kaveri ei hengitä'],
    ['medical', 'rintaan sattuu kovasti enkä saa henkeä'],
    ['medical', 'äiti on tajuton'],
    ['poisoning', 'lapsi söi lääkkeitä'],
    ['poisoning', 'join vahingossa pesuainetta'],
    ['poisoning', 'otin liikaa pillereitä'],
    ['poisoning', 'taisin ottaa yliannostuksen'],
  ])('recognises %s in "%s"', (kind, message) => {
    expect(detector.detect(message)).toBe(kind);
  });

  it.each([
    'tapan aikaa olohuoneessa',
    'kuolettavan tylsää kotona',
    'tää lomake tappaa mut',
    'mä kuolen nauruun',
    'kela ei oo maksanu',
    'asema on kaukana',
    'tarviin apua velkojen kanssa',
    '',
    '😊😊',
  ])('does not raise the alarm for "%s"', (message) => {
    expect(detector.detect(message)).toBeUndefined();
  });

  it.each(['mies uhkas tappaa mut jos mä lähen', 'se sano et se tappaa mut jos mä kerron'])('an explicit threat is never taken for an idiom: "%s"', (message) => {
    expect(detector.detect(message)).toBe('violence');
  });

  it('still raises it when an idiom and a real crisis are in the same message', () => {
    expect(detector.detect('tapan aikaa mutta oikeesti haluun kuolla')).toBe('selfHarm');
  });
});

describe('signs that mean a crisis only together', () => {
  const patterns = crisisPatternsSchema.parse({
    selfHarm: [],
    violence: [],
    medical: [],
    poisoning: [],
    together: [{ kind: 'poisoning', all: [['takka*', 'kamiina*'], ['paansar*', 'huimaa']] }],
    notCrisis: [],
  });
  const small = new CrisisDetector(patterns);

  it('raises the alarm when one phrase of every group occurs, however far apart', () => {
    expect(small.detect('laitoin kamiinan päälle illalla kun oli kylmä ja nyt koko perheellä on kova päänsärky')).toBe('poisoning');
  });

  it('stays quiet when only one group occurs', () => {
    expect(small.detect('takka vetää huonosti')).toBeUndefined();
    expect(small.detect('mulla on päänsärkyä')).toBeUndefined();
  });

  it('is optional in the data file', () => {
    const { together, ...rest } = patterns;
    expect(together).toHaveLength(1);
    expect(crisisPatternsSchema.parse(rest).together).toEqual([]);
  });

  it('the real Finnish patterns know a stove and a headache far apart', () => {
    expect(detector.detect('Lämmitettiin puuhellaa koko ilta koska patterit ei toimi, ja nyt mulla ja lapsilla on tosi paha päänsärky')).toBe('poisoning');
    expect(detector.detect('puuhella on rikki ja vuokranantaja ei korjaa')).toBeUndefined();
  });
});
