import jsQR from 'jsqr';

const raw = (pdf: Buffer) => pdf.toString('latin1');

/**
 * The text drawn with the standard fonts: pdfkit writes each run as a TJ array of hex strings (split
 * where it kerns), one byte per WinAnsi glyph, which latin1 decodes for ASCII. Runs are joined by newlines.
 */
export function shownText(pdf: Buffer): string {
  const runs = raw(pdf).match(/\[[^\]]*\] TJ/g) ?? [];
  const decode = (run: string) =>
    (run.match(/<([0-9a-f]*)>/g) ?? []).map((hex) => Buffer.from(hex.slice(1, -1), 'hex').toString('latin1')).join('');
  return runs.map(decode).join('\n');
}

/**
 * Reads the QR code drawn in an uncompressed PDF: swissqrbill draws one filled square (`x y s s re`)
 * per dark module, relative to the code's corner. The squares of the most common size are laid on a
 * module grid, rasterized with a quiet zone and decoded with jsQR. Null when the PDF holds no QR code.
 */
export function decodeQrCode(pdf: Buffer): string | null {
  const squares = [...raw(pdf).matchAll(/^(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re$/gm)]
    .map((m) => m.slice(1, 5).map(Number))
    .filter(([, , w, h]) => w === h);
  const bySize = new Map<number, number[][]>();
  for (const square of squares) bySize.set(square[2], [...(bySize.get(square[2]) ?? []), square]);
  const modules = [...bySize.values()].sort((a, b) => b.length - a.length)[0];
  if (!modules || modules.length < 100) return null;
  const size = modules[0][2];
  const cells = modules.map(([x, y]) => [Math.round(x / size), Math.round(y / size)]);
  const count = Math.max(...cells.flat()) + 1;
  const scale = 4;
  const quiet = 4;
  const width = (count + 2 * quiet) * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [col, row] of cells) {
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) {
        const offset = (((row + quiet) * scale + dy) * width + (col + quiet) * scale + dx) * 4;
        pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
      }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}

export interface SwissQrAddress {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
}

/** The fields of a Swiss Payment Code (QR-bill payload, version 0200), by the element order of the standard. */
export interface SwissPaymentCode {
  header: string[];
  account: string;
  creditor: SwissQrAddress;
  amount: string;
  currency: string;
  /** Null when "Payable by" is left blank (no debtor address type). */
  debtor: SwissQrAddress | null;
  referenceType: string;
  reference: string;
  message: string;
  trailer: string;
}

export function parseSwissPaymentCode(payload: string): SwissPaymentCode {
  const f = payload.split(/\r?\n/);
  const address = (i: number): SwissQrAddress | null =>
    f[i] ? { name: f[i + 1], street: f[i + 2], postalCode: f[i + 4], city: f[i + 5], country: f[i + 6] } : null;
  return {
    header: f.slice(0, 3),
    account: f[3],
    creditor: address(4) as SwissQrAddress,
    // 11..17: ultimate creditor, reserved and empty
    amount: f[18],
    currency: f[19],
    debtor: address(20),
    referenceType: f[27],
    reference: f[28],
    message: f[29],
    trailer: f[30],
  };
}
