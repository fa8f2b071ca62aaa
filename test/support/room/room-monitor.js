// A monitor input for tests: what a microphone in a room would write to stdout (mono 16 kHz S16_LE, in
// real time) while the test loudspeaker writes to SPEAKER_FILE.
//   node room-monitor.js <speaker file> room    the loudspeaker through a room: reverb, the band of a
//                                               horn and a cheap microphone, street noise, 20 dB down
//   node room-monitor.js <speaker file> deaf    the amplifier is off: the street noise alone
const { closeSync, openSync, readSync, fstatSync } = require('node:fs');

const [file, mode = 'room'] = process.argv.slice(2);
const RATE = 16000;
const fd = openSync(file, 'r');
let readAt = fstatSync(fd).size & ~1; // hear from now on, not what was played before
const started = Date.now();
let emitted = 0;
let pending = new Float32Array(0);

// filters: a 300 Hz high-pass and a 3400 Hz low-pass (RBJ), two comb echoes for the room
function biquad(type, f0, q) {
  const w = (2 * Math.PI * f0) / RATE;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const b = type === 'low' ? [(1 - cos) / 2, 1 - cos, (1 - cos) / 2] : [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
  const a0 = 1 + alpha;
  const c = { b0: b[0] / a0, b1: b[1] / a0, b2: b[2] / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0, x1: 0, x2: 0, y1: 0, y2: 0 };
  return (x) => {
    const y = c.b0 * x + c.b1 * c.x1 + c.b2 * c.x2 - c.a1 * c.y1 - c.a2 * c.y2;
    c.x2 = c.x1; c.x1 = x; c.y2 = c.y1; c.y1 = y;
    return y;
  };
}
const high = biquad('high', 300, 0.7);
const low = biquad('low', 3400, 0.7);
const echo = new Float32Array(RATE);
let e = 0;
let seed = 12345;
const white = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32 - 0.5;
let pinkState = 0;
let swell = 0;

function room(x, n) {
  // the room: early echoes at 37 and 83 ms
  const wet = x + 0.35 * echo[(e - 592 + RATE) % RATE] + 0.2 * echo[(e - 1328 + RATE) % RATE];
  echo[e] = wet;
  e = (e + 1) % RATE;
  // street noise: pinkish, swelling as vehicles pass (about 10 dB below the program)
  pinkState = 0.97 * pinkState + 0.03 * white();
  swell = 0.6 + 0.4 * Math.sin((2 * Math.PI * (emitted + n)) / (RATE * 3.7));
  const noise = 2.5 * pinkState * swell + 0.03 * white();
  const heard = low(high(mode === 'room' ? wet + noise : noise));
  return heard * 0.1; // the microphone is far: 20 dB down
}

function tick() {
  const size = fstatSync(fd).size & ~1;
  if (size > readAt) {
    const buf = Buffer.alloc(size - readAt);
    readSync(fd, buf, 0, buf.length, readAt);
    readAt = size;
    const more = new Float32Array(buf.length / 2);
    for (let i = 0; i < more.length; i++) more[i] = buf.readInt16LE(i * 2) / 32768;
    const joined = new Float32Array(pending.length + more.length);
    joined.set(pending);
    joined.set(more, pending.length);
    pending = joined;
  }
  // a sound card's pace: as many samples as time has passed, the loudspeaker's where it played
  const due = Math.floor(((Date.now() - started) / 1000) * RATE) - emitted;
  if (due <= 0) return;
  const out = Buffer.alloc(due * 2);
  for (let n = 0; n < due; n++) {
    const x = n < pending.length ? pending[n] : 0;
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(room(x, n) * 32767))), n * 2);
  }
  pending = pending.subarray(Math.min(due, pending.length));
  emitted += due;
  if (!process.stdout.write(out)) process.stdout.once('drain', () => undefined);
}

const timer = setInterval(tick, 20);
const stop = () => (clearInterval(timer), closeSync(fd), process.exit(0));
process.on('SIGTERM', stop);
process.stdout.on('error', stop);
