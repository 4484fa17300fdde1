// Every form a secret's bytes can take once they escape into text or a byte stream. The tests
// search outputs for all of them; the control tests prove each form is actually detected.
export interface LeakForms {
  readonly raw: Uint8Array;
  readonly strings: readonly string[];
}

export function randomMarker(byteLength = 24): Uint8Array {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** A random printable ASCII marker, so that its UTF-8 form is searchable as text too. */
export function randomTextMarker(length = 24): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const picks = randomMarker(length);
  return Array.from(picks, (b) => alphabet[b % alphabet.length]).join('');
}

export function leakForms(marker: Uint8Array): LeakForms {
  const buffer = Buffer.from(marker);
  const hex = buffer.toString('hex');
  return {
    raw: marker,
    strings: [
      buffer.toString('latin1'),
      buffer.toString('utf8'),
      hex,
      hex.toUpperCase(),
      hex.replace(/(..)(?!$)/g, '$1 '),
      buffer.toString('base64'),
      buffer.toString('base64url'),
      Array.from(marker).join(', '),
      Array.from(marker).join(','),
    ],
  };
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}

/** The forms of `marker` found in `output`: empty means no leak. */
export function findLeaks(output: string | Uint8Array, marker: Uint8Array): string[] {
  const forms = leakForms(marker);
  const found: string[] = [];
  if (typeof output === 'string') {
    // util.inspect pads and wraps long arrays, so whitespace is ignored on both sides as well.
    const squeezed = output.replace(/\s+/g, '');
    for (const form of forms.strings) {
      if (output.includes(form) || squeezed.includes(form.replace(/\s+/g, ''))) found.push(form);
    }
    return found;
  }
  if (indexOfBytes(output, forms.raw) !== -1) found.push('raw bytes');
  for (const form of forms.strings) {
    if (indexOfBytes(output, new TextEncoder().encode(form)) !== -1) found.push(form);
  }
  return found;
}
