// Where structures come from: the file chooser, a file dropped anywhere on the page, and the bundled
// examples (fetched once at start-up, so the page keeps working offline).
import { structureFileAccept } from '../structure/formats.js';
import { describe, ui } from './dom.js';

export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  return res.text();
}

export class FileInput {
  readonly fixtureTexts = new Map<string, string>();

  constructor(
    private readonly open: (name: string, text: string, fixture: boolean, startedAt: number) => void,
    private readonly onError: (message: string) => void,
  ) {
    ui.fileInput.accept = structureFileAccept(); // the formats' table decides what the chooser offers
    ui.fileInput.addEventListener('change', () => {
      const f = ui.fileInput.files?.[0];
      if (f) void this.openFile(f);
      // Cleared, so that choosing the same file again (after editing it) fires `change` again.
      ui.fileInput.value = '';
    });
    for (const type of ['dragenter', 'dragover'] as const)
      ui.drop.addEventListener(type, (e) => {
        e.preventDefault();
        ui.drop.classList.add('dragover');
      });
    ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('dragover'));
    // A file dropped anywhere on the page opens (and must not navigate away).
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      ui.drop.classList.remove('dragover');
      const f = e.dataTransfer?.files[0];
      if (f) void this.openFile(f);
    });
    ui.openFixture.addEventListener('click', () => ui.fixture.value && void this.openFixture(ui.fixture.value));
  }

  private async openFile(file: File): Promise<void> {
    const startedAt = performance.now();
    try {
      this.open(file.name, await file.text(), false, startedAt);
    } catch (e) {
      this.onError(`${file.name}: cannot read the file: ${describe(e)}`);
    }
  }

  private async openFixture(name: string): Promise<void> {
    const startedAt = performance.now();
    try {
      const text = this.fixtureTexts.get(name) ?? (await fetchText(`fixtures/${encodeURIComponent(name)}`));
      this.open(name, text, true, startedAt);
    } catch (e) {
      this.onError(describe(e));
    }
  }

  /** Lists the bundled examples in the picker and fetches their texts. */
  async loadFixtures(): Promise<void> {
    try {
      const res = await fetch('fixtures/index.json');
      const names = res.ok ? ((await res.json()) as string[]) : [];
      for (const n of names) ui.fixture.add(new Option(n, n));
      await Promise.all(names.map(async (n) => this.fixtureTexts.set(n, await fetchText(`fixtures/${encodeURIComponent(n)}`))));
    } catch (e) {
      console.warn(`fixtures not loaded: ${describe(e)}`);
    }
  }
}
