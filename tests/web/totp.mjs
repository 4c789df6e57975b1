// One-time codes for the browser tests' logins (RFC 6238 TOTP: HMAC-SHA1,
// 6 digits, 30 s steps), computed like an authenticator app would.
import { createHmac } from 'node:crypto';

// The code of base32 `secretB32` at time step `step`.
export function totp(secretB32, step) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32.replace(/[\s=]/g, '').toUpperCase()) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The server refuses a time step already used (replay protection) and
// accepts one step either side of now. Returns async (user, secret) => code
// that takes the next unused step per user (after `firstStep`, the step the
// fixture enrolled with), waiting when that step is still ahead.
export function codeSource(defaultSecret, firstStep) {
  const lastStep = {};
  return async (user, secret = defaultSecret) => {
    const step = Math.max((lastStep[user] ?? firstStep) + 1, Math.floor(Date.now() / 30000) - 1);
    const wait = step * 30000 - 30000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 500));
    lastStep[user] = step;
    return totp(secret, step);
  };
}
