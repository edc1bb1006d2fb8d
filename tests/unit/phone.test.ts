import { parseResidentPhone } from '../../services/callbacks/phone';

describe('a phone number typed by a resident', () => {
  it.each([
    ['040 123 4567', '+358401234567', '040 123 4567'],
    ['040-1234567', '+358401234567', '040 123 4567'],
    ['0401234567', '+358401234567', '040 123 4567'],
    ['+358 40 123 4567', '+358401234567', '040 123 4567'],
    ['+358401234567', '+358401234567', '040 123 4567'],
    ['00358401234567', '+358401234567', '040 123 4567'],
    ['050 765 4321', '+358507654321', '050 765 4321'],
    ['045 12345678', '+3584512345678', '045 1234 5678'],
    ['09 2525 0111', '+358925250111', '09 2525 0111'],
    ['(09) 2525 0111', '+358925250111', '09 2525 0111'],
    ['+358 9 2525 0111', '+358925250111', '09 2525 0111'],
    ['0800 147 111', '+358800147111', '0800 147 111'],
    ['+358 18 12345', '+3581812345', '018 12345'],
    ['+46 8 123 456 78', '+46812345678', '+46 8 123 456 78'],
    ['0046 8 123 456 78', '+46812345678', '+46 8 123 456 78'],
    ['+372 5123 4567', '+37251234567', '+372 5123 4567'],
  ])('%s is %s, read back as "%s"', (typed, e164, display) => {
    expect(parseResidentPhone(typed)).toEqual({ ok: true, e164, display });
  });

  it.each([
    ['mun numero on 040 123 4567', '+358401234567'],
    ['Mun numero on 040-1234567, soittakaa iltapäivällä', '+358401234567'],
    ['numero: 0401234567.', '+358401234567'],
    ['puh.0401234567', '+358401234567'],
    ['soittakaa numeroon +358 40 123 4567 kiitos', '+358401234567'],
    // A date in the same sentence is a valid landline by its digits (03 122026), and must not be taken.
    ['soita 3.12.2026 klo 14 numeroon 040 123 4567', '+358401234567'],
    ['040 123 4567 [personal-id]', '+358401234567'],
  ])('finds the number in a sentence: %s', (typed, e164) => {
    expect(parseResidentPhone(typed)).toMatchObject({ ok: true, e164 });
  });

  it('takes the first number when a resident gives two', () => {
    expect(parseResidentPhone('040 123 4567 tai 09 2525 0111')).toMatchObject({ ok: true, e164: '+358401234567' });
  });

  it.each(['', '   ', 'en halua antaa numeroa', 'soittakaa huomenna', '😀📞', '\u0000\uFFFF'])('says the number is missing when there are no digits: %j', (typed) => {
    expect(parseResidentPhone(typed)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['too short', '040 123'],
    ['too long', '040 123 4567 8901 234'],
    ['a wrong prefix', '000 123 4567'],
    ['digits that are not a number', '12345'],
    ['a date only', '3.12.2026'],
    ['a time only', 'soita klo 14'],
    ['an emergency number', '112'],
    ['a foreign number that does not exist', '+46 1'],
    ['a country code alone', '+358'],
    ['a Finnish premium-rate number', '0700 123456'],
    ['a Finnish service number that costs extra', '0600 12345'],
    ['a foreign premium-rate number', '+44 909 8790000'],
  ])('refuses %s as invalid', (_label, typed) => {
    expect(parseResidentPhone(typed)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['10 000 digits', '4'.repeat(10_000)],
    ['10 000 characters of text and digits', 'numero 040 '.repeat(1_000)],
    ['emoji around a number', '📞 040 123 4567 🙏'],
    ['a lone surrogate', '\uD800040 123 4567'],
    ['only plus signs and dashes', '+-+-+-'.repeat(500)],
  ])('never throws, even for %s', (_label, typed) => {
    expect(() => parseResidentPhone(typed)).not.toThrow();
    expect(parseResidentPhone(typed)).toHaveProperty('ok');
  });

  it('still finds the number among emoji', () => {
    expect(parseResidentPhone('📞 040 123 4567 🙏')).toEqual({ ok: true, e164: '+358401234567', display: '040 123 4567' });
  });

  it('gives the missing reason to a value that is not text at all (a JavaScript caller)', () => {
    expect(parseResidentPhone(undefined as unknown as string)).toEqual({ ok: false, reason: 'missing' });
  });
});
