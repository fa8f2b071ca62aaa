import { hashDeviceToken, mosquittoPasswordHash, newDeviceToken, tokenMatches } from './device-token';

describe('device tokens', () => {
  it('are random, stored as sha256, and checked in constant time', () => {
    const a = newDeviceToken();
    expect(a.token).not.toBe(newDeviceToken().token);
    expect(a.hash).toBe(hashDeviceToken(a.token));
    expect(tokenMatches(a.token, a.hash)).toBe(true);
    expect(tokenMatches(a.token + 'x', a.hash)).toBe(false);
  });

  it('hash for Mosquitto exactly as mosquitto_passwd does ($7$, PBKDF2-SHA512, 101 rounds)', () => {
    // `mosquitto_passwd -c -b pw dev1 secret-token` on Mosquitto 2.0.11 wrote this line:
    const line = '$7$101$rIqxB4TPBBez18gS$pQFJO51diUkLAzwl9/rTnfonlRFUVbVj0O7ZHWFariQVSP3JvC/Rvg9PiVG16fopn/oBUVD/ZsmZ8mTcka+sIw==';
    const salt = Buffer.from(line.split('$')[3], 'base64');
    expect(mosquittoPasswordHash('secret-token', salt)).toBe(line);
    expect(mosquittoPasswordHash('other-token', salt)).not.toBe(line);
  });
});
