import { createHmac } from 'node:crypto';
import { DirectLineTokens } from '../../services/directLine/tokens';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const binding = { conversationId: 'AbCdEfGhIjKlMnOpQrStUvWx', userId: 'dl_visitor' };

describe('Direct Line tokens', () => {
  let nowMs = Date.parse('2026-11-25T10:00:00.400Z');
  const tokens = new DirectLineTokens(SECRET, 1800, () => new Date(nowMs));
  const sign = (text: string, secret = SECRET) => createHmac('sha256', secret).update(text).digest('base64url');
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('carry their conversation and user, and are valid for at least their lifetime', () => {
    const issued = tokens.issue(binding);
    expect(issued.expiresIn).toBe(1800);
    expect(tokens.verify(issued.token)).toEqual({ status: 'valid', claims: { ...binding, issuedAt: expect.any(Number), expiresAt: expect.any(Number) } });
    nowMs += 1800 * 1000 - 1;
    expect(tokens.verify(issued.token).status).toBe('valid');
    nowMs += 1000;
    const expired = tokens.verify(issued.token);
    expect(expired).toEqual({ status: 'expired', claims: expect.objectContaining(binding) });
    if (expired.status === 'expired') expect(tokens.secondsLeft(expired.claims)).toBe(0);
  });

  it('are each different, even for the same conversation in the same second', () => {
    expect(tokens.issue(binding).token).not.toBe(tokens.issue(binding).token);
  });

  it('are refused when not signed with the secret, when edited, or when they name another algorithm', () => {
    const { token } = tokens.issue(binding);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(new DirectLineTokens('another-secret-another-secret-another', 1800, () => new Date(nowMs)).verify(token)).toEqual({ status: 'forged' });
    const edited = part({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), conv: 'SomeoneElsesConversation' });
    expect(tokens.verify(`${header}.${edited}.${signature}`)).toEqual({ status: 'forged' });
    const none = part({ alg: 'none', typ: 'JWT' });
    expect(tokens.verify(`${none}.${payload}.${sign(`${none}.${payload}`)}`)).toEqual({ status: 'forged' });
    // Signed with the secret but not what this bot writes (a secret shared with something else).
    const strange = part({ iss: 'someone-else', conv: binding.conversationId, user: binding.userId, iat: 1, exp: 4_000_000_000, jti: 'abcdefghijkl' });
    expect(tokens.verify(`${header}.${strange}.${sign(`${header}.${strange}`)}`)).toEqual({ status: 'forged' });
  });

  it('are malformed when they are not three base64url parts, or absurdly long', () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c d', `${'a'.repeat(1100)}.b.c`]) expect(tokens.verify(token)).toEqual({ status: 'malformed' });
  });

  it('need a secret of 32 characters or more', () => {
    expect(() => new DirectLineTokens('short', 1800, () => new Date())).toThrow(/32 characters/);
  });
});
