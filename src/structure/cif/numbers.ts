// Numbers as CIF writes them: "8.69407(18)", "90.(0)", ".5000", "-1.2e-3", and in coordinates
// occasionally a plain fraction "1/3". Hand-parsed: only digits, one '.', a sign, an exponent.

/** A CIF number with its standard uncertainty stripped; NaN when the text is not a number. */
export function parseCifNumber(text: string): number {
  let end = text.length;
  // Strip a trailing standard uncertainty "(18)".
  if (end > 0 && text.charCodeAt(end - 1) === 41 /* ) */) {
    const open = text.lastIndexOf('(');
    if (open <= 0) return NaN;
    for (let i = open + 1; i < end - 1; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return NaN;
    }
    end = open;
  }
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) i++; // + -
  let digits = 0;
  let dots = 0;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46) {
      if (++dots > 1) return NaN;
    } else break;
  }
  if (digits === 0) return NaN;
  if (i < end) {
    // Exponent: e or E, optional sign, at least one digit.
    if (c !== 101 && c !== 69) return NaN;
    i++;
    c = text.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    let expDigits = 0;
    for (; i < end; i++) {
      c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) expDigits++;
      else return NaN;
    }
    if (expDigits === 0) return NaN;
  }
  const v = Number(text.slice(0, end));
  return Number.isFinite(v) ? v : NaN;
}

/** Like parseCifNumber, but also reads a simple fraction "1/3" or "-2/3". */
export function parseCifNumberOrFraction(text: string): { value: number; fraction: boolean } {
  const slash = text.indexOf('/');
  if (slash < 0) return { value: parseCifNumber(text), fraction: false };
  const num = parseCifNumber(text.slice(0, slash));
  const den = parseCifNumber(text.slice(slash + 1));
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0) return { value: NaN, fraction: true };
  return { value: num / den, fraction: true };
}
