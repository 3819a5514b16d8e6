// G.711 µ-law for the test agents (the same companding as the node's MuLaw.cs, written independently here).
const BIAS = 0x84;
const CLIP = 32635;

export function encodeSample(sample) {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = pcm < 0 ? 0x80 : 0;
  if (sign) pcm = -pcm;
  pcm = Math.min(pcm, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function decodeSample(code) {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

export const decode = (bytes) => Int16Array.from(bytes, decodeSample);
export const encode = (samples) => Uint8Array.from(samples, encodeSample);

/** A sine tone as PCM at `rate` for `ms`. */
export function tone(hz, ms, rate, amplitude = 8000) {
  const n = Math.round((rate * ms) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/**
 * Shifts a (near) pure tone up one octave: for x = A sin θ, (2x² − A²)/A = −A cos 2θ. A comes from a running mean
 * of x² (A² = 2·mean), so the output keeps the input's level. Enough for a fake model answering a test tone.
 */
export function octaveShifter() {
  let meanSquare = 0;
  return (samples) => {
    const out = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      meanSquare = 0.995 * meanSquare + 0.005 * x * x;
      const a2 = 2 * meanSquare;
      out[i] = a2 < 1 ? 0 : Math.max(-32768, Math.min(32767, Math.round((2 * x * x - a2) / Math.sqrt(a2))));
    }
    return out;
  };
}
