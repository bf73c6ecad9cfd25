import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Prints an HTML file to PDF with Debian's headless Chromium (for fixture scripts only; tests read the
 * committed PDFs). The flags keep it off the network, which this machine closes.
 */
export function printHtmlToPdf(htmlFile: string, outPdf: string): void {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
  try {
    execFileSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${outPdf}`,
        htmlFile,
      ],
      { stdio: 'ignore', timeout: 120_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
