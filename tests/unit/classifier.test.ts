import { TextClassifier } from '../../services/triage/classifier';
import { features, stem } from '../../services/triage/features';

describe('features of a Finnish message', () => {
  it('strips a common ending to one stem for inflected forms', () => {
    expect(stem('kelaan')).toBe(stem('kelasta'));
    expect(stem('asunnosta')).toBe('asunno');
  });

  it('gives inflected forms, compounds and typos shared character n-grams', () => {
    const shared = (a: string, b: string) => features(a).filter((feature) => features(b).includes(feature)).length;
    expect(shared('asumistukihakemus', 'asumistuki')).toBeGreaterThan(8);
    expect(shared('toimeentulotuki', 'toimentulotuki')).toBeGreaterThan(8);
    expect(shared('työkkäri', 'tyokkari')).toBe(features('työkkäri').length);
  });

  it('ignores numbers and punctuation, and reads at most the first 1000 characters', () => {
    expect(features('!!! 123 ???')).toEqual([]);
    expect(features(`${'a '.repeat(600)}kela`)).not.toContain('w:kela');
  });
});

describe('TextClassifier', () => {
  const examples = [
    { label: 'kela', text: 'kela ei maksanut tukea' },
    { label: 'kela', text: 'asumistuki kelasta' },
    { label: 'kela', text: 'toimeentulotuki hakemus' },
    { label: 'asuminen', text: 'vuokra-asunto haku' },
    { label: 'asuminen', text: 'häätö asunnosta' },
    { label: 'asuminen', text: 'homeinen asunto' },
  ];

  it('learns from examples and ranks every label with probabilities that sum to one', () => {
    const classifier = TextClassifier.train(examples);
    const { ranked, knownFeatures } = classifier.rank('kelan tuki ei tullut');
    expect(ranked[0]!.label).toBe('kela');
    expect(knownFeatures).toBeGreaterThan(0);
    expect(ranked.reduce((sum, entry) => sum + entry.probability, 0)).toBeCloseTo(1, 6);
    expect(classifier.rank('asunnosta häädetään').ranked[0]!.label).toBe('asuminen');
  });

  it('is repeatable: the same data and seed give the same model', () => {
    const first = TextClassifier.train(examples).rank('asumistuki').ranked;
    const second = TextClassifier.train(examples).rank('asumistuki').ranked;
    expect(second).toEqual(first);
  });

  it('knows no feature of a message in letters it has never seen', () => {
    expect(TextClassifier.train(examples).rank('zzxq wvvq').knownFeatures).toBe(0);
  });
});
